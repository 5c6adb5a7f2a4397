// Runs `analyze()` in a worker thread for the fuzzer, so a hang can be cut off and a crash (even an
// engine abort or an out-of-memory) is attributed to the case that caused it.
import { parentPort, workerData } from 'node:worker_threads';
import { analyze } from '../../src/index.js';
import { UnreadableError, UsageError } from '../../src/errors.js';
import { ENGINE_DEADLINE } from './deadline.js';

export interface WorkerResult {
  id: number;
  outcome: 'ok' | 'unreadable' | 'crash' | 'hang';
  detail: string;
  ms: number;
  rssMb: number;
}

function oneLine(e: Error): string {
  return e.message.includes('\n') ? `message of ${e.message.split('\n').length} lines: ${e.message.slice(0, 200)}` : '';
}

parentPort!.on('message', async ({ id, file }: { id: number; file: string }) => {
  const t0 = performance.now();
  let outcome: WorkerResult['outcome'] = 'ok';
  let detail = '';
  try {
    const report = await analyze(file);
    JSON.stringify(report);
    detail = `${report.verdict}, ${report.findings.length} findings`;
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const expected = e instanceof UnreadableError || e instanceof UsageError;
    const bad = expected ? oneLine(e) : '';
    outcome = expected && !bad ? 'unreadable' : 'crash';
    detail = expected ? bad || e.message : `${e.name}: ${e.message.slice(0, 300)} @ ${(e.stack ?? '').split('\n').slice(1, 4).map((l) => l.trim()).join(' < ')}`;
    if (outcome === 'unreadable' && ENGINE_DEADLINE.test(e.message)) {
      outcome = 'hang';
      detail = `the HDF5 engine's own deadline fired: ${e.message}`;
    }
  }
  const rssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
  parentPort!.postMessage({ id, outcome, detail, ms: Math.round(performance.now() - t0), rssMb } satisfies WorkerResult);
});

// Analyse a good HDF5 file before the first case: the engine's start-up (seconds on a busy machine)
// is not the input's fault and must not count as a hang.
const warm = (workerData as { warm?: string } | null)?.warm;
if (warm) await analyze(warm).catch(() => undefined);
parentPort!.postMessage({ ready: true });
