// Builds the page: web/ and the library it runs, bundled by esbuild into dist-web/index.html — one
// file with its script and style inline (it opens from disk too) — plus the HDF5 engine's worker
// (dist-web/engine-worker.js, h5wasm's browser build), loaded only when a file needs the engine.
//
// The library is the command line's own. Where a module of it needs Node, a twin beside it,
// `name.browser.ts` with the same exports, takes its place here (TWINS lists them, and the build
// fails when a twin is missing or unused); yauzl gets the few stand-ins of web/shims/. Any other
// Node built-in reached from the page fails the build: esbuild cannot resolve it for a browser.
//
// `npm run build:web`; `--check` builds in memory and prints the inputs and sizes (the tests use
// bundlePage() directly).
import { build, type Metafile, type Plugin } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WEB = join(ROOT, 'web');
const OUT = join(ROOT, 'dist-web');

/** Modules of the library that need Node, each replaced in the page by its `.browser.ts` twin. */
export const TWINS = ['src/formats/keras-zip/inflate.ts', 'src/formats/hdf5/client.ts'];

/** Node built-ins yauzl imports, and what the page gives in their place (web/shims/README.md). */
const SHIMS: Record<string, string> = {
  fs: 'web/shims/empty.ts',
  zlib: 'web/shims/empty.ts',
  stream: 'web/shims/stream.ts',
  util: 'web/shims/util.ts',
};

/** `import './x.js'` of a twinned module resolves to its `x.browser.ts`; every twin must be used. */
function twins(used: Set<string>): Plugin {
  const wanted = new Map(TWINS.map((t) => [join(ROOT, t), join(ROOT, t.replace(/\.ts$/, '.browser.ts'))]));
  return {
    name: 'browser-twins',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        const target = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
        const twin = wanted.get(target);
        if (!twin) return undefined;
        if (!existsSync(twin)) return { errors: [{ text: `${relative(ROOT, target)} has no browser twin ${relative(ROOT, twin)}` }] };
        used.add(target);
        return { path: twin };
      });
    },
  };
}

export interface Bundles {
  /** The page's script and style. */
  js: string;
  css: string;
  /** The HDF5 engine's worker script (web/engine-worker.ts, h5wasm's browser build inside). */
  worker: string;
  /** Every input of the page's script, as esbuild saw it (relative to the repository). */
  inputs: string[];
  /** Every input of the engine worker's script, likewise. */
  workerInputs: string[];
  metafile: Metafile;
}

/** Bundles the page's script, style and engine worker in memory. */
export async function bundlePage(): Promise<Bundles> {
  const used = new Set<string>();
  const common = {
    bundle: true,
    write: false,
    minify: true,
    format: 'esm' as const,
    platform: 'browser' as const,
    target: ['chrome110', 'firefox115', 'safari16.4'],
    legalComments: 'none' as const,
    alias: Object.fromEntries(Object.entries(SHIMS).map(([k, v]) => [k, join(ROOT, v)])),
    inject: [join(WEB, 'shims/globals.ts')],
    // kerascope's version, as the command line reads it from package.json (SARIF names the run with it).
    define: { KERASCOPE_VERSION: JSON.stringify((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version) },
    plugins: [twins(used)],
    absWorkingDir: ROOT,
    logLevel: 'silent' as const,
  };
  const page = await build({ ...common, entryPoints: [join(WEB, 'main.ts')], outdir: OUT, metafile: true });
  const unused = TWINS.filter((t) => !used.has(join(ROOT, t)));
  if (unused.length) throw new Error(`browser twins never used by the page (remove them from TWINS): ${unused.join(', ')}`);
  // The engine worker: h5wasm's wasm is a string in hdf5_util.js, one character per byte; written
  // as UTF-8 (a module worker's script is always decoded so) the worker is 4.7 MB, escaped as ASCII 5.5 MB.
  const worker = await build({ ...common, entryPoints: [join(WEB, 'engine-worker.ts')], outfile: join(OUT, 'engine-worker.js'), metafile: true, charset: 'utf8' });
  const text = (ext: string) => (page.outputFiles ?? []).find((f) => f.path.endsWith(ext))?.text ?? '';
  return {
    js: text('.js'),
    css: text('.css'),
    worker: worker.outputFiles?.[0]?.text ?? '',
    inputs: Object.keys(page.metafile.inputs),
    workerInputs: Object.keys(worker.metafile.inputs),
    metafile: page.metafile,
  };
}

const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

/**
 * The page: its script and style inline, and a Content-Security-Policy that allows nothing else
 * but the engine worker beside it and, for `?model=URL` only, the fetches that read that model.
 */
export function pageHtml(b: Bundles): string {
  const template = readFileSync(join(WEB, 'index.html'), 'utf8');
  // A `</script` inside the script would end it early: written as `<\/script` (same string in JS).
  const js = b.js.replace(/<\/(script)/gi, '<\\/$1');
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(js)} 'wasm-unsafe-eval'`,
    `style-src ${sha256(b.css)}`,
    "worker-src 'self'",
    'connect-src *', // ?model=URL: the one model the address names, by range requests
    'img-src data: blob:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return template
    .replace('<!--CSP-->', `<meta http-equiv="Content-Security-Policy" content="${csp}">`)
    .replace('<!--STYLE-->', () => `<style>${b.css}</style>`)
    .replace('<!--SCRIPT-->', () => `<script type="module">${js}</script>`);
}

async function main(): Promise<void> {
  const b = await bundlePage();
  const html = pageHtml(b);
  const kB = (s: string) => `${(Buffer.byteLength(s) / 1024).toFixed(0)} kB`;
  if (process.argv.includes('--check')) {
    console.log(b.inputs.join('\n'));
  } else {
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, 'index.html'), html);
    writeFileSync(join(OUT, 'engine-worker.js'), b.worker);
  }
  console.log(`dist-web/index.html ${kB(html)} (script ${kB(b.js)}, style ${kB(b.css)}); dist-web/engine-worker.js ${kB(b.worker)}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors;
    if (errors) for (const x of errors) console.error(`web build: ${x.location ? `${x.location.file}:${x.location.line}: ` : ''}${x.text}`);
    else console.error(`web build: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
