// Run a batch with a few files in flight at once (reads overlap on 2 cores; one process, one HDF5
// engine), results kept in input order, and a progress bar (cli-progress) only on a terminal.
import type { SingleBar } from 'cli-progress';
import type { Out } from './io.js';

/** cli-progress is loaded only when a bar is drawn: a single-file run never pays for it. */
async function bar(out: Out, total: number): Promise<SingleBar> {
  const { default: cliProgress } = await import('cli-progress');
  const b = new cliProgress.SingleBar(
    { stream: out as NodeJS.WritableStream, format: 'checking [{bar}] {value}/{total} {file}', clearOnComplete: true, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  b.start(total, 0, { file: '' });
  return b;
}

/** `work` must not throw: each item's failure is its own result. `label` names an item on the bar. */
export async function runPool<T, R>(
  items: readonly T[],
  jobs: number,
  work: (item: T) => Promise<R>,
  progress: Out | null,
  label: (item: T) => string = String,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const b = progress && items.length > 0 ? await bar(progress, items.length) : null;
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
      b?.increment(1, { file: label(items[i]!) });
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  } finally {
    b?.stop();
  }
  return results;
}
