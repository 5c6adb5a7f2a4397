// Package hygiene for people installing kerascope (issue 13): a LICENSE, the docs the README links
// shipped in the package, where the project lives, and no runtime dependency src/ does not import.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  license: string; files: string[]; repository: { url: string }; homepage: string; bugs: { url: string };
  dependencies: Record<string, string>; exports: Record<string, unknown>; scripts: Record<string, string>;
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('package.json', () => {
  it('a LICENSE of the license it names, shipped with README, docs, dist and bin', () => {
    expect(readFileSync('LICENSE', 'utf8')).toContain(pkg.license === 'MIT' ? 'MIT License' : pkg.license);
    for (const f of ['dist', 'bin', 'docs', 'README.md', 'LICENSE']) expect(pkg.files).toContain(f);
  });

  it('repository, homepage and bugs point at one repository', () => {
    const repo = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(pkg.homepage.startsWith(repo)).toBe(true);
    expect(pkg.bugs.url).toBe(`${repo}/issues`);
  });

  it('every runtime dependency is imported by src/ (jszip is only the tests\')', () => {
    const text = sources('src').map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const dep of Object.keys(pkg.dependencies)) expect(text, dep).toMatch(new RegExp(`from '${dep.replace('/', '\\/')}(/[^']*)?'|import\\('${dep.replace('/', '\\/')}`));
    expect(Object.keys(pkg.dependencies)).not.toContain('jszip');
  });

  it('every docs/ file the README links exists, so links work on the registry page', () => {
    const links = [...readFileSync('README.md', 'utf8').matchAll(/\]\((docs\/[^)#\s]+)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) expect(existsSync(l), l).toBe(true);
  });

  // npm runs these when someone installs the package; npm 11 warns of each one "not yet covered by
  // allowScripts" (prepare included, for a tarball). The package ships dist/: it needs none.
  it('no install-time script: the build runs on npm ci in a clone (dependencies) and on npm pack (prepack)', () => {
    for (const s of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts, s).not.toHaveProperty(s);
    expect(pkg.scripts.dependencies).toBe('node scripts/build.mjs');
    expect(pkg.scripts.prepack).toBe('node scripts/build.mjs');
  });

  it('the report schema is exported beside the library', () => {
    expect(pkg.exports['./report.schema.json']).toBe('./docs/report.schema.json');
  });
});
