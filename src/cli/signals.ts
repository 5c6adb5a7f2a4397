// The command stopped from outside (Ctrl-C, a CI timeout, a closed terminal): its temporary files
// go with it, and it exits with the shell's code for the signal (128 + its number), as a command
// killed by it would report. Installed by bin/kerascope.js only: tests run main() in-process.
import { removeTempDirs } from '../formats/temp.js';

/** 128 + the signal's number (signal(7)): what a shell reports for a command ended by it. */
export const SIGNAL_EXIT: Readonly<Record<'SIGHUP' | 'SIGINT' | 'SIGTERM', number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

export function cleanUpOnSignals(): void {
  for (const [signal, code] of Object.entries(SIGNAL_EXIT)) {
    process.once(signal, () => {
      removeTempDirs();
      process.exit(code);
    });
  }
  process.once('exit', removeTempDirs);
}
