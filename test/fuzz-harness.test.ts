// The fuzzer's own judgement (scripts/fuzz/run.ts): a hang is CPU time past the budget or the
// product's own HDF5 deadline firing, never a slow answer on a busy machine (issue 10).
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ENGINE_DEADLINE, InProcess, watch } from '../scripts/fuzz/run.js';

const REGRESS = join(import.meta.dirname, '../fixtures/audit/regress');
const NEVER = 10 * 60_000;

describe('the fuzzer tells a hang from a slow machine', () => {
  it('a case that waits without using CPU is not a hang, however long past the CPU budget', async () => {
    let hung: string | null = null;
    const stop = watch({ cpuMs: 50, stallMs: NEVER }, () => 1000, (d) => void (hung = d));
    await sleep(500); // ten times the budget, in wall time: a machine busy with other work
    expect(stop()).toBe(0);
    expect(hung).toBeNull();
  });

  it('a case whose CPU time passes the budget is a hang, named with the CPU it used', async () => {
    let cpu = 0;
    const detail = await new Promise<string>((resolve) => watch({ cpuMs: 50, stallMs: NEVER }, () => (cpu += 20), resolve));
    expect(detail).toMatch(/^used \d+ ms of CPU \(budget 50 ms\) in \d+ ms$/);
  });

  it("the HDF5 engine's own deadline is a hang: its message is the product's (src/formats/h5client.ts)", async () => {
    // h5-attr-loop makes libhdf5 loop forever; the engine alone (no native reader) with a 2 s deadline
    const saved = { reader: process.env['KERASCOPE_H5_READER'], timeout: process.env['KERASCOPE_H5_TIMEOUT'] };
    process.env['KERASCOPE_H5_READER'] = 'engine';
    process.env['KERASCOPE_H5_TIMEOUT'] = '2';
    const inproc = new InProcess({ cpuMs: 60_000, stallMs: NEVER }, 1024); // the worker copies the environment
    try {
      const r = await inproc.run(join(REGRESS, 'h5-attr-loop.weights.h5'));
      expect(r.outcome).toBe('hang');
      expect(r.detail).toBe("the HDF5 engine's own deadline fired: HDF5 engine gave no answer within 2 s: the file is corrupt or hostile");
      expect(r.detail.replace(/^.*fired: /, '')).toMatch(ENGINE_DEADLINE);
      expect(r.cpuMs).toBeGreaterThan(0);
    } finally {
      await inproc.close();
      for (const [k, v] of [['KERASCOPE_H5_READER', saved.reader], ['KERASCOPE_H5_TIMEOUT', saved.timeout]] as const)
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  });
});
