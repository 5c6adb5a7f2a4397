// The rows of the attack table: one per attack of issue 10 (items 1–9), each with the command, the
// goal the issue sets, and what else must be true of the output for the promise to hold.
import type { AttackInputs } from '../../fixtures/attack/inputs.js';
import type { Plan, Run } from './timed.js';

export interface Goal {
  /**
   * Seconds and peak resident MB the run may take (null: not judged). Seconds are CPU seconds
   * (`seconds`: the wall time without GNU time), so the table does not change with the machine's load.
   */
  seconds: number;
  rssMB: number | null;
  /** MB the run may put in its TMPDIR at any moment. */
  tmpMB: number;
  text: string;
}

export interface Case {
  item: string;
  label: string;
  plan: (i: AttackInputs) => Plan;
  goal: Goal;
  /** What is wrong with the output, beyond time, memory and temporary files ([] when it holds). */
  judge: (r: Run, i: AttackInputs) => string[];
}

/** The documented cap on what one file may inflate (README Limits); also the temp-file cap. */
const CAP_MB = 1074;

/**
 * The seconds a goal is judged on: CPU time (user + system, every thread), which two `yes` or
 * another engineer's test run beside it do not inflate; the wall time when GNU time is missing. A
 * run that waits instead of working is still caught: its plan's deadline kills it (a hang).
 */
export const seconds = (r: Run): number => r.cpu ?? r.wall;

const text = (r: Run) => r.stdout + r.stderr;
const lines = (r: Run) => text(r).split('\n');
const exitIn = (r: Run, codes: number[]) => (r.exit !== null && codes.includes(r.exit) ? [] : [`exit ${r.exit ?? `by signal ${r.signal}`}, wanted ${codes.join(' or ')}`]);
const says = (r: Run, re: RegExp, what: string) => (re.test(text(r)) ? [] : [`does not say ${what}`]);
const never = (r: Run, re: RegExp, what: string) => (re.test(text(r)) ? [what] : []);
/** Control characters other than newline and tab: a terminal would act on them. */
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f\x9b]/;
const escaped = (r: Run) => never(r, RAW_CONTROL, 'raw control characters reach the terminal');
const count = (r: Run, needle: string) => text(r).split(needle).length - 1;
/** The output names `name` together with `key` on one line (a finding naming the layer and key). */
const names = (r: Run, name: string, key: RegExp) => (lines(r).some((l) => l.includes(name) && key.test(l)) ? [] : [`no finding names ${name} and ${key.source}`]);

const bomb: Goal = { seconds: 5, rssMB: 200, tmpMB: 200, text: '≤ 5 s, ≤ 200 MB' };
const json: Goal = { seconds: 20, rssMB: 1000, tmpMB: 0, text: '≤ 20 s and ≤ 1 GB, or refused in ≤ 2 s' };
const quick: Goal = { seconds: 10, rssMB: 500, tmpMB: 0, text: '≤ 10 s' };
const small: Goal = { seconds: 10, rssMB: 500, tmpMB: 0, text: 'right output' };

const run = (args: string[], deadline = 30): Plan => ({ args, deadline });

/** A padded JSON is held when it is analysed within 20 s and 1 GB, or refused within 2 s. */
function jsonJudge(r: Run): string[] {
  if (r.exit === 3) return seconds(r) <= 2 ? [] : [`refused after ${seconds(r).toFixed(1)} s, not ≤ 2 s`];
  return exitIn(r, [0, 1]);
}

function signalled(_sig: NodeJS.Signals, code: number) {
  return (r: Run): string[] => {
    if (r.signalledAt === null) return ['no temporary file appeared: the signal was never sent'];
    return exitIn(r, [code]);
  };
}

export const CASES: Case[] = [
  {
    item: '1',
    label: 'zip bomb: DEFLATED model.weights.h5, 1 GiB of zeros',
    plan: (i) => run([i.zipBomb]),
    goal: bomb,
    judge: (r) => exitIn(r, [1, 3]),
  },
  {
    item: '1',
    label: '20 shard names, one 1 GiB DEFLATED member',
    plan: (i) => run([i.sharedShards]),
    goal: bomb,
    judge: (r) => exitIn(r, [1, 3]),
  },
  {
    item: '2',
    label: 'SIGINT while inflating (256 MiB, ratio 1:1)',
    plan: (i) => ({ ...run([i.inflatable]), signalOnTemp: 'SIGINT' }),
    goal: { seconds: 30, rssMB: null, tmpMB: CAP_MB, text: 'exit 130, nothing left' },
    judge: signalled('SIGINT', 130),
  },
  {
    item: '2',
    label: 'SIGTERM while inflating (256 MiB, ratio 1:1)',
    plan: (i) => ({ ...run([i.inflatable]), signalOnTemp: 'SIGTERM' }),
    goal: { seconds: 30, rssMB: null, tmpMB: CAP_MB, text: 'exit 143, nothing left' },
    judge: signalled('SIGTERM', 143),
  },
  { item: '3', label: '200 MB JSON config, "pad": [0, 0, …]', plan: (i) => run([i.paddedZeros], 60), goal: json, judge: jsonJudge },
  { item: '3', label: '200 MB JSON config, "pad": [{}, {}, …]', plan: (i) => run([i.paddedObjects], 60), goal: json, judge: jsonJudge },
  { item: '3', label: 'the 200 MB config.json DEFLATED in a .keras', plan: (i) => run([i.paddedKeras], 60), goal: json, judge: jsonJudge },
  {
    item: '4',
    label: 'a million central-directory entries (47 MB)',
    plan: (i) => run([i.manyEntries]),
    goal: { ...quick, rssMB: null, text: 'refused in ≤ 10 s' },
    judge: (r) => exitIn(r, [3]),
  },
  {
    item: '5',
    label: 'check: a folder with a link to /',
    plan: (i) => run(['check', i.toRoot]),
    goal: quick,
    judge: (r) => [...exitIn(r, [0, 1]), ...never(r, /to-root\/root\//, 'files under the link analysed'), ...says(r, /root.*(skipped|outside)|(skipped|outside).*root/i, 'the link was skipped')],
  },
  {
    item: '5',
    label: 'check: a link to another tree',
    plan: (i) => run(['check', i.outside]),
    goal: quick,
    judge: (r) => [...exitIn(r, [0, 1]), ...never(r, /secret\.keras/, 'a file outside the folder analysed'), ...says(r, /elsewhere.*(skipped|outside)|(skipped|outside).*elsewhere/i, 'the link was skipped')],
  },
  {
    item: '5',
    label: 'check: a symlink loop',
    plan: (i) => run(['check', i.loop]),
    goal: quick,
    judge: (r) => [...exitIn(r, [0, 1]), ...(count(r, 'model.keras') === 1 ? [] : [`model.keras listed ${count(r, 'model.keras')} times`])],
  },
  {
    item: '6',
    label: 'escape sequences in names: analyze',
    plan: (i) => run([i.injection]),
    goal: small,
    judge: (r) => [...escaped(r), ...(lines(r).filter((l) => /^\s*Verdict:/.test(l)).length <= 1 ? [] : ['a second "Verdict:" line'])],
  },
  { item: '6', label: 'escape sequences in names: explain', plan: (i) => run(['explain', i.injection]), goal: small, judge: escaped },
  { item: '6', label: 'escape sequences in names: audit', plan: (i) => run(['audit', '--fail-on', 'none', i.injection]), goal: small, judge: escaped },
  { item: '6', label: 'escape sequences in a file name: check', plan: (i) => run(['check', i.injectionFolder]), goal: small, judge: escaped },
  {
    item: '7',
    label: 'audit: TFOpLambda calling tf.io.write_file',
    plan: (i) => run(['audit', i.tfOpLambda]),
    goal: small,
    judge: (r) => [...exitIn(r, [1]), ...names(r, 'write_file', /TFOpLambda|tf\.io|write/i)],
  },
  {
    item: '8',
    label: 'Conv2D of 2^32 filters, 65536² kernel',
    plan: (i) => run([i.hugeSizes]),
    goal: small,
    judge: (r) => [...exitIn(r, [1]), ...never(r, /\de\+\d/, 'a count printed as a float'), ...says(r, /too large/i, '"too large to count exactly"')],
  },
  {
    item: '8',
    label: 'units -7, "3", 2.5; input [null, -5]',
    plan: (i) => run([i.badSizes]),
    goal: small,
    judge: (r) => [...exitIn(r, [1]), ...names(r, 'negative', /units/), ...names(r, 'text', /units/), ...names(r, 'fraction', /units/), ...names(r, 'input_1', /shape|-5/)],
  },
  {
    item: '9',
    label: 'audit: tfjs shard linked outside its folder',
    plan: (i) => run(['audit', i.linkedShard]),
    goal: small,
    judge: (r) => [...exitIn(r, [1]), ...names(r, 'weights.bin', /link|outside/i)],
  },
  {
    item: '9',
    label: 'tfjs shard that is a FIFO',
    plan: (i) => run([i.fifoShard], 15),
    goal: small,
    judge: (r) => [...says(r, /not a regular file/, '"not a regular file"'), ...never(r, /missing/, 'calls it missing')],
  },
  {
    item: '9',
    label: 'a FIFO given as the model file',
    plan: (i) => run([i.fifoModel], 15),
    goal: small,
    judge: (r) => [...exitIn(r, [3]), ...says(r, /not a regular file/, '"not a regular file"')],
  },
];

/** Everything wrong with a run: the case's own judgement, then time, memory, temp files, hangs, crashes. */
export function problems(c: Case, r: Run, i: AttackInputs): string[] {
  const out: string[] = [];
  if (r.hung) out.push(`killed after ${c.plan(i).deadline} s`);
  else out.push(...c.judge(r, i));
  if (!r.hung && seconds(r) > c.goal.seconds) out.push(`${seconds(r).toFixed(1)} s > ${c.goal.seconds} s`);
  if (c.goal.rssMB !== null && r.rssMB !== null && r.rssMB > c.goal.rssMB) out.push(`${Math.round(r.rssMB)} MB > ${c.goal.rssMB} MB`);
  if (r.tmpPeak > c.goal.tmpMB * 1e6) out.push(`${mb(r.tmpPeak)} in temp files`);
  if (r.tmpEntriesLeft > 0) out.push(`${r.tmpEntriesLeft} temp files and folders left (${mb(r.tmpLeft)})`);
  if (r.exit === 4 || /^\s+at .+:\d+:\d+\)?$/m.test(r.stderr)) out.push('internal error or stack trace');
  return out;
}

export const mb = (bytes: number) => (bytes === 0 ? '0' : bytes < 1e6 ? `${Math.ceil(bytes / 1e3)} kB` : `${Math.round(bytes / 1e6)} MB`);
