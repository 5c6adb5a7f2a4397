// Issue 10, item 9: a tfjs model folder whose shard is a symbolic link out of the folder, or a
// FIFO; and a FIFO given as the model file. Built by the attack generators (fixtures/attack/folders.ts)
// from a real tfjs layers model (fixtures/tfjs/seed-lstm). A FIFO is never opened: opening it would
// block until a writer comes, so a test that opened one would never end.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, UnreadableError } from '../src/index.js';
import { FileSource } from '../src/formats/file-source.js';
import { writeTfjsTraps } from '../fixtures/attack/folders.js';

const dir = mkdtempSync(join(tmpdir(), 'kerascope-tfjs-traps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const traps = writeTfjsTraps(dir);

describe('tfjs shards that are not what they seem', () => {
  it('a shard linked to a file outside the folder is a high security finding naming the real file', async () => {
    const r = await analyze(traps.linkedShard);
    const link = r.findings.filter((f) => f.code === 'tfjs-shard-link-outside');
    expect(link).toHaveLength(1);
    expect(link[0]).toMatchObject({ severity: 'high', category: 'security' });
    const target = realpathSync(join(dir, 'tfjs-secret', 'weights.bin'));
    expect(link[0]?.message).toBe(`weights shard "weights.bin" is a symbolic link to ${JSON.stringify(target)}, outside the model's folder: a loader reading the folder reads that file instead (kerascope does not open it).`);
    expect(r.findings.map((f) => f.code)).toContain('tfjs-shard-unchecked');
  });

  it('a FIFO shard is "not a regular file", an error, never "missing" and never opened', async () => {
    const r = await analyze(traps.fifoShard);
    const codes = r.findings.map((f) => f.code);
    expect(codes).not.toContain('tfjs-shard-missing');
    const fifo = r.findings.find((f) => f.code === 'tfjs-shard-not-file');
    expect(fifo?.severity).toBe('error');
    expect(fifo?.message).toMatch(/^weights\.bin: shard beside model\.json is not a regular file \(a FIFO\), never opened \(weightsManifest group 1 lists 1 shard\)$/);
  });

  it('a FIFO given as the model file, or opened as a source, is refused without opening it', async () => {
    const err = await analyze(traps.fifoModel).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadableError);
    expect((err as Error).message).toBe('not a regular file (a FIFO)');
    expect(() => FileSource.open(traps.fifoModel)).toThrow('not a regular file (a FIFO)');
  });
});
