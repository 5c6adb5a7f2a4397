// kerascope's own version, from package.json (for --version, SARIF and JUnit).
// Read as a file, not through createRequire: node:module brings Node's ES module loader with it,
// a few ms of every cold start (the version is asked for when the command line is set up).
import { readFileSync } from 'node:fs';

export function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
