// One findings catalogue (src/findings.ts): every code a module emits is in it, every entry is
// emitted somewhere, and every report lists its findings in the one severity order.
//
// The codes are found by parsing src/ with TypeScript's own parser: a `code: …` property or class field, an
// argument in the `code` position of any function that has a parameter named `code` (finding(),
// err(), info(), findingOf()…), and `[severity, code, …]` rows of lookup tables. Every string
// literal in those places (both branches of a `?:`) counts.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, FINDING_CODES, SEVERITY_ORDER, catalogueEntry, sortFindings, type Severity } from '../src/findings.js';
import { analyze } from '../src/analyze.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SEVERITIES = new Set<string>(SEVERITY_ORDER);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The string literals an expression can evaluate to: itself, both branches of `?:`, both sides of `??`. */
function literals(node: ts.Expression): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isConditionalExpression(node)) return [...literals(node.whenTrue), ...literals(node.whenFalse)];
  if (ts.isBinaryExpression(node) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(node.operatorToken.kind)) {
    return [...literals(node.left), ...literals(node.right)];
  }
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) return literals(node.expression);
  return [];
}

/** Does a function make findings: a return type naming Finding, or a `code` property in its body? */
function makesFindings(fn: ts.SignatureDeclaration & { body?: ts.Node }): boolean {
  if (fn.type && /\bFinding\b/.test(fn.type.getText())) return true;
  let found = false;
  const visit = (n: ts.Node): void => {
    if ((ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n)) && ts.isIdentifier(n.name) && n.name.text === 'code') found = true;
    if (!found) n.forEachChild(visit);
  };
  if (fn.body) visit(fn.body);
  return found;
}

/** Functions that make findings from a parameter named `code`: name → the parameter's position. */
function codeParameters(file: ts.SourceFile, into: Map<string, number>): void {
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isMethodDeclaration(n)) {
      const at = n.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === 'code');
      const name = (ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) && n.name && ts.isIdentifier(n.name) ? n.name.text
        : ts.isVariableDeclaration(n.parent) && ts.isIdentifier(n.parent.name) ? n.parent.name.text : null;
      if (at >= 0 && name && makesFindings(n)) into.set(name, at);
    }
    n.forEachChild(visit);
  };
  visit(file);
}

export interface Emitted {
  code: string;
  where: string;
}

/** The codes one file emits, given the functions (from every file) that take a code. */
export function emittedCodes(file: ts.SourceFile, takesCode: ReadonlyMap<string, number>, where: string): Emitted[] {
  const out: Emitted[] = [];
  const add = (n: ts.Expression): void => {
    for (const code of literals(n)) out.push({ code, where: `${where}:${file.getLineAndCharacterOfPosition(n.getStart(file)).line + 1}` });
  };
  const visit = (n: ts.Node): void => {
    // `code: '…'`, and a rule's `noteCode: '…'` (the code its notes are reported under).
    if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && (n.name.text === 'code' || n.name.text === 'noteCode')) add(n.initializer);
    // A class field `readonly code: FindingCode = '…'` (the RuleError subclasses).
    if (ts.isPropertyDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === 'code' && n.initializer) add(n.initializer);
    if (ts.isCallExpression(n)) {
      const callee = ts.isIdentifier(n.expression) ? n.expression.text : ts.isPropertyAccessExpression(n.expression) ? n.expression.name.text : null;
      const at = callee === null ? undefined : takesCode.get(callee);
      const arg = at === undefined ? undefined : n.arguments[at];
      if (arg) add(arg);
    }
    // `[severity, code, …]` rows of a lookup table (the HDF5 issue kinds).
    if (ts.isArrayLiteralExpression(n) && n.elements.length >= 2) {
      const [a, b] = n.elements;
      if (a && b && ts.isStringLiteral(a) && SEVERITIES.has(a.text) && ts.isStringLiteral(b) && !SEVERITIES.has(b.text)) add(b);
    }
    n.forEachChild(visit);
  };
  visit(file);
  return out;
}

function parse(path: string, text = readFileSync(path, 'utf8')): ts.SourceFile {
  return ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function scanSources(): Emitted[] {
  const files = sourceFiles(join(root, 'src')).filter((f) => !f.endsWith(join('src', 'findings.ts'))).map((f) => parse(f));
  const takesCode = new Map<string, number>();
  for (const f of files) codeParameters(f, takesCode);
  codeParameters(parse(join(root, 'src', 'findings.ts')), takesCode);
  return files.flatMap((f) => emittedCodes(f, takesCode, relative(root, f.fileName)));
}

describe('the findings catalogue', () => {
  const emitted = scanSources();

  it('the scan finds the codes modules emit (it can fail: a planted unknown code is found)', () => {
    // The scanner itself, on a snippet: a property, a helper argument, a conditional and a table row.
    const snippet = parse('x.ts', `
      function warn(severity: string, code: string, message: string) { return { severity, code, message }; }
      function ansi(code: string) { return '\\u001b[' + code + 'm'; }
      ansi('31');
      const a = { severity: 'error', code: 'planted-one', category: 'format' };
      warn('info', cond ? 'planted-two' : 'planted-three', 'm');
      const T = { k: ['high', 'planted-four', 'what'] };`);
    const takes = new Map<string, number>();
    codeParameters(snippet, takes);
    expect(emittedCodes(snippet, takes, 'x.ts').map((e) => e.code).sort()).toEqual(['planted-four', 'planted-one', 'planted-three', 'planted-two']);
    // …and on src/: the well-known codes of every stage are seen.
    const seen = new Set(emitted.map((e) => e.code));
    for (const code of ['weights-paired', 'weight-shape-mismatch', 'total-mismatch', 'lambda-layer', 'h5-external-link', 'tfjs-shard-size', 'subclassed-model']) {
      expect(seen.has(code), code).toBe(true);
    }
  });

  it('holds every code any module emits', () => {
    const missing = emitted.filter((e) => catalogueEntry(e.code) === null).map((e) => `${e.code} (${e.where})`);
    expect(missing, 'codes emitted in src/ but not in src/findings.ts CATALOGUE').toEqual([]);
  });

  it('lists no code that nothing emits', () => {
    const seen = new Set(emitted.map((e) => e.code));
    expect(FINDING_CODES.filter((c) => !seen.has(c))).toEqual([]);
  });

  it('gives each code a kebab-case name, a severity its category uses, and one line of description', () => {
    const securityLevels = new Set<Severity>(['critical', 'high', 'medium', 'low', 'info', 'warning']);
    const consistencyLevels = new Set<Severity>(['error', 'warning', 'info']);
    for (const code of FINDING_CODES) {
      const e = catalogueEntry(code)!;
      expect(code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
      const levels = e.category === 'security' ? securityLevels : consistencyLevels;
      expect(levels.has(e.severity), `${code}: ${e.severity}`).toBe(true);
      if (e.raisedTo) expect(SEVERITY_ORDER.indexOf(e.raisedTo)).toBeLessThan(SEVERITY_ORDER.indexOf(e.severity));
      expect(e.description).toMatch(/^[A-Z].*\.$/);
      expect(e.description).not.toContain('\n');
    }
    expect(Object.keys(CATALOGUE).length).toBe(FINDING_CODES.length);
  });
});

describe('one severity order', () => {
  it('is most serious first: critical, error, high, medium, warning, low, info', () => {
    expect(SEVERITY_ORDER).toEqual(['critical', 'error', 'high', 'medium', 'warning', 'low', 'info']);
    const f = (severity: Severity, code: string) => ({ severity, code });
    const sorted = sortFindings([f('info', 'a'), f('high', 'b'), f('error', 'c'), f('info', 'd'), f('critical', 'e'), f('warning', 'f')]);
    expect(sorted.map((x) => x.code)).toEqual(['e', 'c', 'b', 'f', 'a', 'd']); // stable within a severity
  });

  it("sorts the JSON findings with the audit's among them (a weights-only note after a high security finding)", async () => {
    const r = await analyze(join(root, 'fixtures', 'audit', 'h5-external-dataset.weights.h5'));
    expect(r.findings.map((x) => `${x.severity} ${x.code}`)).toEqual(['high h5-external-dataset', 'info weights-only']);
  });
});
