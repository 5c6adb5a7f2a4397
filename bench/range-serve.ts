// A range-capable HTTP server on 127.0.0.1 for the bench's remote rows, in its own process (the
// bench times kerascope with a blocking spawn, which would stall a server in its own event loop).
// Usage: tsx bench/range-serve.ts MODE FILE…  — serves each FILE at /<its name>, prints its origin.
import { basename } from 'node:path';
import { RangeServer, type RangeMode } from '../test/helpers/range-server.js';

const [mode, ...files] = process.argv.slice(2);
const server = new RangeServer({ ranges: mode as RangeMode });
for (const f of files) server.add(basename(f), { path: f });
await server.start();
process.stdout.write(`${server.origin}\n`);
process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
