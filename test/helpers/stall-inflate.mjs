// Preloaded into a kerascope child process by test/cli-signals.test.ts (`node --import`): every
// inflation stalls for good after its temporary file is created, so the test can signal the
// process mid-inflation without guessing at timing. zlib's createInflateRaw (a read-only but
// configurable property) is redefined as a stream that takes input and never answers
// (syncBuiltinESMExports makes `import { createInflateRaw } from 'node:zlib'` see it), and a timer
// keeps the otherwise idle process alive.
import { syncBuiltinESMExports } from 'node:module';
import { Transform } from 'node:stream';
import zlib from 'node:zlib';

Object.defineProperty(zlib, 'createInflateRaw', { value: () => new Transform({ transform() {} }) });
syncBuiltinESMExports();
setInterval(() => {}, 1 << 30);
