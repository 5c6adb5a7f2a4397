// Copy on write over report data: a renderer or a pass that changes nothing in a 2,000-layer report
// returns it as it is rather than copying it whole (docs/bench.md, issue 15).

/** `list` itself when `f` returns every item unchanged, else a new list of what `f` gave. */
export function mapShared<T>(list: readonly T[], f: (item: T) => T): T[] {
  let out: T[] | null = null;
  for (let i = 0; i < list.length; i++) {
    const item = list[i]!;
    const next = f(item);
    if (out) out.push(next);
    else if (next !== item) {
      out = list.slice(0, i);
      out.push(next);
    }
  }
  return out ?? (list as T[]);
}
