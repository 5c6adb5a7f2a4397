// Strings from a file, made safe for a terminal or a text report. A layer name, a class name, a
// keras_version, a member or file name can hold anything: ESC sequences that clear the screen,
// retitle the window or hide text; `\r` and `\n` that overwrite a line or fake a "Verdict:
// consistent" one; C1 controls (0x9b is a one-byte CSI on some terminals); bidi overrides (U+202E)
// that show text in another order than it is stored (CVE-2021-42574, "Trojan Source").
//
// Every text renderer passes what it prints from a report through display() / displayAll() — the
// one place — and the CLI's error lines through display(). JSON keeps the exact strings.
// Escaping is idempotent (its output holds only printable ASCII for what it replaced), so a string
// displayed twice reads the same.

import { mapShared } from './copy-on-write.js';

/** C0 controls, DEL, C1 controls, line/paragraph separators, and the bidi controls of Unicode's UAX #9. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const ANY_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escaped(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const c = ch.charCodeAt(0);
  return c < 0x100 ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
}

/** A string from a file, as it may be printed: `\x1b`, `\r`, `\n`, `\x9b`, `\u202e` written out. */
export function display(s: string): string {
  return ANY_UNSAFE.test(s) ? s.replace(UNSAFE, escaped) : s;
}

/**
 * A report (or any plain data) with every string passed through display(). Copy on write: an array
 * or a plain object none of whose strings needs escaping is returned as it is, so the table of a
 * 2,000-layer report copies nothing (a deep copy of every report was ≈ 2 % of such a run and a
 * good part of its garbage, docs/bench.md). The renderers only read what they are given.
 * Anything else (a Map, a class instance, an object with an own `__proto__` key, whose copy would
 * lose it) is copied as before, so the result reads exactly as the old deep copy did.
 */
export function displayAll<T>(value: T): T {
  if (typeof value === 'string') return display(value) as T;
  if (Array.isArray(value)) return displayArray(value) as T;
  if (value !== null && typeof value === 'object') return displayObject(value as Record<string, unknown>) as T;
  return value;
}

function displayArray(value: unknown[]): unknown[] {
  // Array.prototype.map keeps holes and the array's class: anything but a plain, dense array is copied so.
  if (Object.getPrototypeOf(value) !== Array.prototype || hasHoles(value)) return value.map((v: unknown) => displayAll(v));
  return mapShared(value, displayAll);
}

function hasHoles(value: unknown[]): boolean {
  for (let i = 0; i < value.length; i++) if (!(i in value)) return true;
  return false;
}

function displayObject(value: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(value);
  let out: Record<string, unknown> | null = null;
  if (Object.getPrototypeOf(value) !== Object.prototype || Object.hasOwn(value, '__proto__')) out = {};
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = value[k];
    const d = displayAll(v);
    if (out) out[k] = d;
    else if (d !== v) {
      // The first string that needs escaping: the keys before it copied as they are.
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = value[keys[j]!];
      out[k] = d;
    }
  }
  return out ?? value;
}

/** Characters JSON.stringify leaves raw that a terminal acts on (it escapes C0 controls itself). */
const JSON_RAW = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text safe on a terminal and exact when parsed: C1 and bidi controls (which JSON.stringify
 * leaves raw) written as `\u009b`, `\u202e` escapes, which parse back to the same strings.
 */
export function terminalSafeJson(text: string): string {
  return text.replace(JSON_RAW, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
