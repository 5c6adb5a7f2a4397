// Issue 10, item 2: Ctrl-C or a CI timeout while a DEFLATED weights member is being inflated. The
// real command (bin/kerascope.js, as cli-bin.test.ts: it needs `npm run build`) runs in a child
// process with its own TMPDIR; a preload (helpers/stall-inflate.mjs) stalls the inflation once its
// temporary file exists, the test waits for that file, then signals. No timing is assumed: the
// child can only end through the signal.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keras3Config } from '../bench/configs.js';
import { writeChainWeights } from '../fixtures/attack/zips.js';
import { buildBigKerasZip } from '../fixtures/builder/bigZip.js';
import { SIGNAL_EXIT } from '../src/cli/signals.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const built = existsSync(join(root, 'dist', 'cli', 'main.js'));
const dir = mkdtempSync(join(tmpdir(), 'kerascope-signals-'));
const model = join(dir, 'deflated.keras');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const chain = { units: 64, layers: 2 };
  await writeChainWeights(join(dir, 'w.h5'), chain);
  await buildBigKerasZip(model, { config: keras3Config(chain, 'deflated'), weightsH5: join(dir, 'w.h5'), compress: true });
});

/** Every file and folder under `d`. */
const everything = (d: string): string[] => readdirSync(d, { recursive: true }) as string[];

/** Runs kerascope on the model; `stall` preloads the stalled inflation. */
function start(tmp: string, stall: boolean) {
  const preload = stall ? ['--import', join(root, 'test', 'helpers', 'stall-inflate.mjs')] : [];
  const child = spawn(process.execPath, [...preload, join(root, 'bin', 'kerascope.js'), model], {
    env: { ...process.env, TMPDIR: tmp, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((res) =>
    child.on('close', (code, signal) => res({ code, signal, stderr })),
  );
  return { child, ended };
}

describe.runIf(built)('signals during inflation (bin/kerascope.js)', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s: the temporary file is removed and the exit code is 128 + the signal', async (signal) => {
    const tmp = join(dir, `tmp-${signal}`);
    mkdirSync(tmp);
    const { child, ended } = start(tmp, true);
    let done = false;
    void ended.then(() => (done = true));
    // Wait for the temporary weights file (kerascope-XXXXXX/weights.h5) to exist.
    while (!done && !everything(tmp).some((p) => p.endsWith('weights.h5'))) await sleep(10);
    expect(done).toBe(false);
    child.kill(signal);
    const r = await ended;
    expect(r).toEqual({ code: SIGNAL_EXIT[signal], signal: null, stderr: '' });
    expect(everything(tmp)).toEqual([]);
  });

  it('a run that ends by itself leaves its TMPDIR empty too', async () => {
    const tmp = join(dir, 'tmp-normal');
    mkdirSync(tmp);
    const r = await start(tmp, false).ended;
    expect(r.code).toBe(0);
    expect(everything(tmp)).toEqual([]);
  });
});
