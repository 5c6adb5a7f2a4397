// `to.push(...items)` passes every item as an argument on the stack: past about 125,000 items V8
// throws "Maximum call stack size exceeded" (the fuzz of seed 2, case 265: 20,000 chained layers
// of a mutated .keras made more findings than that, exit 4). Where a file decides how many items
// there are (findings, layers, rows, folder entries), append them one by one.

/** Appends every item of each list to `to`, without spreading them into arguments; returns `to`. */
export function append<T>(to: T[], ...lists: readonly (readonly T[])[]): T[] {
  for (const list of lists) for (const item of list) to.push(item);
  return to;
}
