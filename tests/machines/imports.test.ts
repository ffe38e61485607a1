/**
 * Machines are pure statecharts (DESIGN, style.md): they import only the IO contract, the pure trading
 * rules, the clock's pure helpers, xstate and each other. Their I/O reaches them through provide(); a
 * machine that imports anything else (src/daemon, src/db, src/kraken, actors/, node:*) has taken on I/O
 * or a dependency cycle, and this test names the file and the import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.ts';

const MACHINES = join(PROJECT_ROOT, 'machines');
const ALLOWED_FOLDERS = ['machines', 'src/contract', 'src/trading', 'src/clock'].map((f) => join(PROJECT_ROOT, f));
const ALLOWED_PACKAGES = new Set(['xstate']);

/** Every module specifier a file names: imports, type imports, re-exports and dynamic imports. */
export function importsOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

function allowed(fromFile: string, specifier: string): boolean {
  if (!specifier.startsWith('.')) return ALLOWED_PACKAGES.has(specifier);
  const target = resolve(fromFile, '..', specifier);
  return ALLOWED_FOLDERS.some((folder) => target === folder || target.startsWith(`${folder}/`));
}

describe('machines import only src/contract, src/trading, src/clock, xstate and other machines', () => {
  const files = readdirSync(MACHINES)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(MACHINES, f));

  it('finds the machine files', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it('no machine file imports anything else', () => {
    const offending = files.flatMap((file) =>
      importsOf(readFileSync(file, 'utf8'))
        .filter((spec) => !allowed(file, spec))
        .map((spec) => `machines/${file.slice(MACHINES.length + 1)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('the rule sees type imports, re-exports and dynamic imports too', () => {
    const text = "import type { A } from '../src/db/a.ts';\nexport * from '../actors/b.ts';\nconst c = await import('node:fs');\nimport { d } from './d.ts';";
    expect(importsOf(text)).toEqual(['../src/db/a.ts', '../actors/b.ts', 'node:fs', './d.ts']);
    const file = join(MACHINES, 'x.machine.ts');
    expect(importsOf(text).map((s) => allowed(file, s))).toEqual([false, false, false, true]);
  });
});
