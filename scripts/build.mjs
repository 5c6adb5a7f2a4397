// `npm run build`, and the `dependencies` and `prepack` scripts of package.json: `npm ci` in a clone
// builds (npm runs `dependencies` after it changed node_modules, in the project itself only), and
// `npm pack` / `npm publish` pack a fresh build. Not `prepare`: npm counts a tarball's `prepare` as
// an install script, and npm 11 warns everyone installing the package that it is "not yet covered by
// allowScripts", although the tarball ships dist/ and needs no build (issue 13, package hygiene).
//   1. dist/ — the library, its types and every module as JavaScript (tsc);
//   2. dist/bin/kerascope.cjs — the command as ONE file (esbuild): a cold start reads one file
//      instead of resolving and compiling ~120 modules (docs/bench.md: where the time goes);
//   3. dist/bin/kerascope.cache — a V8 code cache of that file, made after running the command on a
//      few shipped fixtures, so a cold start deserialises compiled code instead of compiling it.
//      Node 20 has no compile cache for modules (module.enableCompileCache is Node ≥ 22.1), so
//      bin/kerascope.js runs the bundle through vm.Script with this cache. V8 refuses a cache made
//      by another V8 version or other flags (the command then compiles as without one); a failure
//      to make it leaves the command working, only slower.
// Plain Node (no tsx): it runs on every `npm ci`.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { BUNDLE, CACHE, compileBundle } = require('../bin/kerascope.js');
const log = (m) => process.stderr.write(`build: ${m}\n`);

function tsc() {
  const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// In the bundle every module keeps the `import.meta.url` of its own dist/ copy (src/x/y.ts →
// dist/x/y.js), so relative URLs keep working: the package.json the version comes from, the HDF5
// engine's worker (dist/formats/hdf5/worker.js, built by tsc, loaded only for files h5wasm reads).
const distUrls = {
  name: 'dist-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\/src\/.*\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const dist = relative(join(ROOT, 'src'), args.path).replace(/\.ts$/, '.js');
      return { contents: text.replaceAll('import.meta.url', `__distUrl(${JSON.stringify(dist)})`), loader: 'ts' };
    });
  },
};

// Packages whose loading does costly work at once, made lazy in the bundle: the module is loaded on
// first use instead of at start. commander loads node:child_process (and with it net, dgram, stream)
// for executable subcommands, which kerascope has none of (8 M instructions of every start);
// string-width makes an Intl.Segmenter when loaded (ICU's break iterator: 20-40 ms of a start, and
// only text outside printable ASCII needs it, src/report/format.ts).
const LAZY = [
  { filter: /^(node:)?child_process$/, from: '/node_modules/commander/', contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });" },
  { filter: /^string-width$/, from: '/src/', contents: "let f; export default function stringWidth(s, o) { f ??= require('string-width').default; return f(s, o); }" },
  ...lazyBuiltins(['node:fs/promises', 'node:os', 'node:stream', 'node:stream/promises', 'node:zlib', 'node:readline', 'node:crypto']),
];

// Node's own modules that one model read from a local .h5 never calls, though the modules that
// import them are loaded (the reader list loads every format; the CLI every command's helpers):
// loading them costs ≈ 10 ms of a cold start's CPU (fs/promises brings readline, stream brings
// Node's whole streams stack, zlib both). Each becomes an object with one getter per export that
// loads the module on first use; the getters are listed from this Node's own module, and a name
// another Node lacks reads undefined there as the direct import would.
function lazyBuiltins(names) {
  return names.map((name) => {
    const keys = JSON.stringify(Object.keys(require(name)));
    const contents = `let m; for (const k of ${keys}) Object.defineProperty(exports, k, { enumerable: true, get: () => (m ??= require(${JSON.stringify(name)}))[k] });`;
    return { filter: new RegExp(`^${name}$`), from: '/src/', contents };
  });
}

const lazyPackages = {
  name: 'lazy-packages',
  setup(build) {
    LAZY.forEach((lazy, i) => {
      build.onResolve({ filter: lazy.filter }, (args) => (args.namespace === 'file' && args.importer.includes(lazy.from) ? { path: String(i), namespace: 'lazy' } : undefined));
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({ contents: LAZY[Number(args.path)].contents, loader: 'js', resolveDir: ROOT }));
  },
};

async function bundle() {
  const result = await esbuild.build({
    entryPoints: [join(ROOT, 'src/cli/main.ts')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // ASCII only (bin/ reads it as latin1, the cheapest decoding) and without comments or
    // whitespace; names are kept, so --debug stack traces still read.
    charset: 'ascii',
    legalComments: 'none',
    minifyWhitespace: true,
    minifySyntax: true,
    // The file is one function expression, CommonJS's module wrapper, that bin/kerascope.js compiles
    // and calls as it is (no second copy of the text made by wrapping it at every start).
    banner: { js: '(function (exports, require, module, __filename, __dirname) {const __distUrl = (p) => require("node:url").pathToFileURL(require("node:path").join(__dirname, "..", p)).href;' },
    footer: { js: '})' },
    // import() becomes require() (vm.Script has no loader for import(); Node's own modules and the
    // bundle's parts are all CommonJS-loadable).
    supported: { 'dynamic-import': false },
    plugins: [distUrls, lazyPackages],
    metafile: true,
    logLevel: 'warning',
  });
  // Outside the bundle only Node's own modules may be loaded (by require); a package left out of it
  // would be looked for from bin/. (Relative paths listed as external are TypeScript imports of
  // types only, dropped.)
  const packages = Object.values(result.metafile.inputs).flatMap((i) => i.imports.filter((x) => x.external && !/^[./]/.test(x.path)).map((x) => x.path));
  const outside = [...new Set(packages)].filter((p) => !builtinModules.includes(p.replace(/^node:/, '')));
  if (outside.length) throw new Error(`the CLI bundle loads packages outside itself: ${outside.join(', ')}`);
}

// The cache holds the code compiled by the time it is made: the command is run first on what most
// runs are (one .h5, one .keras, a TensorFlow.js folder, --json, a `check` over a few files).
const TRAINING = [
  ['fixtures/keras/models/seed_embedding_lstm.keras'],
  ['fixtures/keras/models/activations.h5', '--json'],
  ['fixtures/keras/models/bidirectional.weights.h5'],
  ['fixtures/tfjs/seed-lstm/model.json'],
  ['check', 'fixtures/keras/models/activations.h5', 'fixtures/keras/models/adaptive_pooling.keras'],
];

async function train() {
  const { script, cli } = compileBundle(null);
  const quiet = { write: () => true };
  const io = { stdout: quiet, stderr: quiet, isTTY: false, env: {} };
  for (const argv of TRAINING) await cli.main(argv.map((a) => (a.startsWith('fixtures/') ? join(ROOT, a) : a)), io);
  writeFileSync(CACHE, script.createCachedData());
}

tsc();
rmSync(dirname(BUNDLE), { recursive: true, force: true });
await bundle();
log(`${relative(ROOT, BUNDLE)} written`);
try {
  await train();
  log(`${relative(ROOT, CACHE)} written`);
} catch (err) {
  log(`no code cache (the command works, only its start is slower): ${err instanceof Error ? err.message : err}`);
}
