// kerascope's own version, from package.json (for --version, SARIF and JUnit).
import { createRequire } from 'node:module';

export function version(): string {
  try {
    return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
