// A seeded PRNG (mulberry32): the same --seed gives the same mutations on every machine.
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** One independent stream per case, so case i is the same whatever ran before it. */
export function caseRng(seed: number, i: number): Rng {
  return new Rng(Math.imul(seed ^ 0x9e3779b9, 2654435761) ^ Math.imul(i + 1, 0x85ebca6b));
}
