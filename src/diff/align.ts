// Pairing the layers of two models: by name where the names agree, else by position and class (a
// re-export renumbers Keras's generated names: dense_3 becomes dense_7). The pairing is the cheapest
// edit script (Wagner–Fischer): keeping a layer costs 0, a rename 1, a class change under the same
// name 3, adding or removing a layer 2 — so a renamed layer pairs with its twin rather than being
// removed and added, and a removed layer does not shift every later layer into a rename.

export interface Alignable {
  /** The name the pairing compares (the full path of a nested layer). */
  name: string;
  className: string;
}

/** Index pairs in order: [i, j] paired, [i, null] only in A (removed), [null, j] only in B (added). */
export type Step = [number, number] | [number, null] | [null, number];

const ADD = 2;
const RENAME = 1;
const RECLASS = 3;

function pairCost(a: Alignable, b: Alignable): number {
  if (a.name === b.name) return a.className === b.className ? 0 : RECLASS;
  return a.className === b.className ? RENAME : Infinity;
}

/** Past this many cells the table is not built: layers are paired by name, then in order by class. */
const MAX_CELLS = 4_200_000; // 2,000 × 2,000 layers: 38 MB of tables

export function align(a: readonly Alignable[], b: readonly Alignable[]): Step[] {
  if ((a.length + 1) * (b.length + 1) > MAX_CELLS) return alignGreedy(a, b);
  const n = a.length;
  const m = b.length;
  const w = m + 1;
  // cost[i][j]: cheapest script for a[i..] against b[j..]; move: 0 pair, 1 remove a[i], 2 add b[j].
  const cost = new Float64Array((n + 1) * w);
  const move = new Uint8Array((n + 1) * w);
  for (let i = n; i >= 0; i--) {
    for (let j = m; j >= 0; j--) {
      const k = i * w + j;
      if (i === n && j === m) continue;
      let best = Infinity;
      let how = 0;
      if (i < n && j < m) {
        const c = pairCost(a[i]!, b[j]!) + cost[(i + 1) * w + j + 1]!;
        if (c < best) [best, how] = [c, 0];
      }
      if (i < n) {
        const c = ADD + cost[(i + 1) * w + j]!;
        if (c < best) [best, how] = [c, 1];
      }
      if (j < m) {
        const c = ADD + cost[i * w + j + 1]!;
        if (c < best) [best, how] = [c, 2];
      }
      cost[k] = best;
      move[k] = how;
    }
  }
  const steps: Step[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const how = move[i * w + j];
    if (how === 0) steps.push([i++, j++]);
    else if (how === 1) steps.push([i++, null]);
    else steps.push([null, j++]);
  }
  return steps;
}

/** For very large models: same names pair; what is left pairs in order when the classes agree. */
function alignGreedy(a: readonly Alignable[], b: readonly Alignable[]): Step[] {
  const inB = new Map<string, number>();
  b.forEach((l, j) => inB.set(l.name, j));
  const pairOfA = new Array<number | null>(a.length).fill(null);
  const takenB = new Set<number>();
  a.forEach((l, i) => {
    const j = inB.get(l.name);
    if (j === undefined || takenB.has(j)) return;
    pairOfA[i] = j;
    takenB.add(j);
  });
  const freeB = b.map((_, j) => j).filter((j) => !takenB.has(j));
  let f = 0;
  a.forEach((l, i) => {
    if (pairOfA[i] !== null) return;
    while (f < freeB.length && b[freeB[f]!]!.className !== l.className) f++;
    if (f < freeB.length) pairOfA[i] = freeB[f++]!;
  });
  const paired = new Set(pairOfA.filter((j): j is number => j !== null));
  const steps: Step[] = a.map((_, i) => (pairOfA[i] === null ? [i, null] : [i, pairOfA[i]!]) as Step);
  for (let j = 0; j < b.length; j++) if (!paired.has(j)) steps.push([null, j]);
  return steps;
}
