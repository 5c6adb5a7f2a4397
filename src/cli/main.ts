// The kerascope command line (commander). `main(argv, io)` runs in-process and returns the exit code;
// bin/kerascope.js calls it and sets process.exitCode.
import { Command, CommanderError, Option } from 'commander';
import { EXIT } from '../errors.js';
import { DEFAULT_FAIL_ON, FAIL_ON_CHOICES } from '../report/findings.js';
import type { Ctx } from './context.js';
import { defaultEngine, type Engine } from './engine.js';
import { processIo, type Io } from './io.js';
import { withStdin } from './stdin.js';
import { fail } from './outcome.js';
import { GRAPH_FORMATS, runGraph } from './graph.js';
import { addTableOptions, wholeNumber } from './table-options.js';
import { READ_AHEAD_MIN } from './threads.js';
import { registerDiff } from './diff.js';
import { withExpectOptions } from './expectations.js';
import { withOutput } from './output.js';
import { registerSnapshot } from './snapshot.js';
import { version } from './version.js';

export { cleanUpOnSignals } from './signals.js';

/** A `check` worker thread's loop (bin/check-worker.js runs it; src/cli/check-threads.ts starts the thread). */
export async function runCheckWorker(): Promise<void> {
  (await import('./check-worker.js')).runCheckWorker();
}

const HELP_AFTER = `
Options of kerascope FILE (each command lists its own: kerascope <command> --help):
  --weights <file>      weights file for an architecture-only FILE (a JSON's same-stem .h5 is paired by itself)
  --config <file>       architecture (JSON) for a weights-only FILE
  --json                one machine-readable report, schemaVersion 1 (docs/json.md)
  --expand              show the layers inside nested models (Keras's expand_nested)
  --columns <list>      table columns: output-shape, params, param-share, macs, flops,
                        activation-bytes, trainable, connected-to, verdict
  --show-trainable      Keras's Trainable column;  --depth N  nested models to N levels
  --layer-range S E     rows from the first layer matching S to the last matching E (regexes)
  --batch N             MACs, FLOPs and activation bytes for a batch of N (default 1)
  --ascii               plain ASCII table lines
  --fail-on <severity>  info, low, medium, high, critical or none (default: ${DEFAULT_FAIL_ON})
  --debug               print stack traces of errors

Examples:
  npx kerascope model.h5                     # Keras-style table + verdict
  kerascope model.keras --json               # machine-readable report
  kerascope model.keras --columns output-shape,params,macs,activation-bytes --batch 32
  kerascope explain model.h5 lstm_5          # why LSTM(17) on 13 features owns 2108 parameters
  kerascope arch.json --weights weights.h5   # architecture and weights in two files
  kerascope check models/ 'zoo/**/*.keras'   # many files: one table, one exit code
  kerascope audit download.keras             # only what could run code when Keras loads it
  kerascope audit models/ 'zoo/**/*.h5'      # every model in a folder or a glob, walked as check walks it
  curl -sL https://host/model.h5 | kerascope -   # a model on standard input (kept in a temporary file, at most 1 GiB)
  kerascope config.json.gz                   # gzip-compressed files (.json.gz, .h5.gz, .keras.gz) read as the file inside
  kerascope graph model.keras --format mermaid --expand > model.mmd   # the model as a picture
  kerascope audit hf://owner/repo            # a Hugging Face repository, before downloading it
  kerascope https://host/models/big.keras    # any URL: metadata read by range requests, weights never downloaded

Exit codes:
  0  consistent: the file agrees with itself (and no security finding at or above --fail-on)
  1  the file disagrees with itself (a finding of severity error),
     or a security finding at or above --fail-on (default: ${DEFAULT_FAIL_ON})
  2  usage error (bad command line, unknown layer name)
  3  unreadable or unsupported file
  4  internal error (a bug in kerascope: please report it, with --debug output)
  check and audit exit with the worst code of all their files.

FILE may be a URL or hf://owner/repo[@revision][/path]: read by HTTP range requests, the report
says how many requests and bytes it took. HF_TOKEN is sent to the hub (HF_ENDPOINT) only.
FILE - is standard input, named (stdin): a terminal is refused (exit 2), an empty stream or one
past 1 GiB is exit 3; --weights, --config and diff --values need files.

Colour is used on a terminal only, never with NO_COLOR set or TERM=dumb; FORCE_COLOR=1 forces it
(even in a pipe), FORCE_COLOR=0 turns it off. COLUMNS sets the table's width, also in a pipe.
`;

function failOnOption(): Option {
  return new Option('--fail-on <severity>', 'security findings at or above this severity exit 1')
    .choices(FAIL_ON_CHOICES)
    .default(DEFAULT_FAIL_ON);
}

function common(cmd: Command): Command {
  return cmd.option('--json', 'print the machine-readable report (see docs/json.md)').option('--debug', 'print stack traces of errors');
}

/** Commands whose exit code follows the findings. */
function judged(cmd: Command): Command {
  return common(cmd).addOption(failOnOption());
}

function withFiles(cmd: Command): Command {
  return cmd
    .option('--weights <file>', 'weights file for an architecture-only FILE')
    .option('--config <file>', 'architecture (JSON) for a weights-only FILE');
}

type Setter = (code: number) => void;

// Each command's code is loaded when that command runs: `kerascope FILE` never loads check's folder
// walk and globs, explain's texts, or what later commands bring (docs/bench.md: start-up).
const commands = () => import('./commands.js');

function buildProgram(ctx: Ctx, setCode: Setter): Command {
  const program = new Command('kerascope')
    .description('Open a Keras model file and check it: layers, shapes, parameter counts, stored vs expected weights, and what could run code. No Python, no TensorFlow.')
    .usage('FILE [--weights W] [--config C] [--json] [--expand] [--fail-on SEVERITY] [--debug]\n       kerascope <command> …')
    .version(version(), '-V, --version')
    .addHelpText('after', HELP_AFTER)
    .showSuggestionAfterError(false);

  withOutput(withExpectOptions(addTableOptions(judged(withFiles(program.command('analyze', { isDefault: true }).argument('<file>'))))))
    .description('(default) one model file: Keras-style table, totals, verdict, findings; kerascope FILE is kerascope analyze FILE')
    .option('--expand', "show the layers inside nested models (Keras's expand_nested)")
    .action(async (file: string, o) => setCode(await (await commands()).runAnalyze(ctx, file, o)));

  common(withFiles(program.command('explain').argument('<file>').argument('[layers...]')))
    .description("explain each layer's parameter count and tensor shapes with the model's own numbers (exit 0 once explained)")
    .action(async (file: string, layers: string[], o) => setCode(await (await import('./explain.js')).runExplain(ctx, file, layers, o)));

  withOutput(withExpectOptions(judged(program.command('check').argument('<paths...>'))))
    .description('check many files: files, folders (recursive; symlinks out of a folder are skipped), globs and URLs; one table, the worst exit code')
    .option('--jobs <n>', 'files analysed at once (in each thread)', (v) => Math.max(1, Number.parseInt(v, 10) || 1), 2)
    .option('--threads <n>', `worker threads analysing the files, same output (default: this thread analyses while, from ${READ_AHEAD_MIN} local files on, one worker thread reads ahead; 0: this thread only)`, wholeNumber(0))
    .option('--shard <i/N>', 'check only the i-th of N shares of the files (by a hash of each path; 1-based, as --shard 1/4)')
    .option('--jsonl', 'print one JSON line per file as it finishes (nothing is kept in memory)')
    .option('--resume <file>', 'skip the files a previous --jsonl output already lists')
    .action(async (paths: string[], o) => setCode(await (await import('./check.js')).runCheck(ctx, paths, o)));

  withOutput(judged(program.command('audit').argument('<paths...>')))
    .description(`security findings only (Lambda code, foreign modules, archive and HDF5 tricks) of files, folders (walked as check walks them), globs, URLs and - (standard input); --fail-on defaults to ${DEFAULT_FAIL_ON}`)
    .action(async (paths: string[], o) => setCode(await (await import('./audit.js')).runAudit(ctx, paths, o)));

  withFiles(program.command('graph').argument('<file>'))
    .description('draw the model: a box per layer (name, class, output shape, params), nested models as clusters, mismatched layers marked')
    .addOption(new Option('--format <format>', 'picture format').choices(GRAPH_FORMATS).default('mermaid'))
    .option('-o, --output <file>', 'write the picture to this file instead of standard output')
    .option('--expand', 'draw the layers inside nested models, each model as a cluster')
    .option('--max-nodes <n>', 'above this many boxes, chains of layers are drawn as one box (default 400)', wholeNumber(1))
    .option('--debug', 'print stack traces of errors')
    .action(async (file: string, o) => setCode(await runGraph(ctx, file, o)));
  registerDiff(program, ctx, setCode);
  registerSnapshot(program, ctx, setCode);

  program
    .command('layers')
    .description('list the layer classes kerascope has rules for, with their parameter formulas')
    .option('--debug', 'print stack traces of errors')
    .action(async (o) => setCode(await (await commands()).runLayers(ctx, o)));

  return program;
}

/** Commander's own messages ("error: unknown option '--x'") as ONE kerascope line. */
function configure(cmd: Command, io: Io): void {
  cmd.exitOverride().configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
    outputError: (s, write) => write(`kerascope: ${s.replace(/^error: /, '').trim()} (see kerascope --help)\n`),
  });
  for (const sub of cmd.commands) configure(sub, io);
}

function exitFromCommander(err: CommanderError): number {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return EXIT.ok;
  return EXIT.usage;
}

/** Run the CLI in-process. `argv` excludes node and the script: `['model.h5', '--json']`. */
export async function main(argv: string[], io: Io = processIo(), engine: Engine = defaultEngine()): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram({ io, engine: withStdin(engine, io) }, (c) => (code = c));
  configure(program, io);
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return exitFromCommander(err);
    return fail(io, err, null, argv.includes('--debug'));
  }
  return code;
}
