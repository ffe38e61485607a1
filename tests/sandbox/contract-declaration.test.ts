/**
 * The type check reads the contract's zod-free declaration (contract-declaration.ts) instead of the
 * contract and zod's declarations: it must hold no zod, be proven against the contract, give every
 * module the verdict the contract itself gives, be kept and found by content, and never be used when
 * the contract holds a zod type it cannot write out (the check then reads the contract, as before).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { contractDeclaration } from '../../src/sandbox/gates/contract-declaration.ts';
import { CHECK_OPTIONS, TypeChecker } from '../../src/sandbox/gates/type-check.ts';
import type { ModuleKind } from '../../src/sandbox/gates/types.ts';

const root = mkdtempSync(join(tmpdir(), 'brain-contract-decl-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const cacheDir = join(root, 'cache');
const setup = { repoRoot: PROJECT_ROOT, options: CHECK_OPTIONS, cacheDir };

const v001 = readFileSync(join(PROJECT_ROOT, 'strategy/active/strategy.ts'), 'utf8');
const statistics = readFileSync(join(PROJECT_ROOT, 'statistics/active/trade_performance.ts'), 'utf8');
const STRATEGY_HEAD = `import type { StrategyModule, StrategyMeta } from '../../src/contract/strategy.ts';\n`;
const strategy = (meta: string, onBar: string) =>
  `${STRATEGY_HEAD}const meta: StrategyMeta = ${meta};\nconst m: StrategyModule<number> = { meta, init: () => 0, onBar: ${onBar} };\nexport default m;\n`;
const META = `{ name: 'x', version: '1', description: '', params: {}, warmup: 0 }`;

const CORPUS: { name: string; kind: ModuleKind; source: string; passes?: true }[] = [
  { name: 'v001', kind: 'strategy', source: v001, passes: true },
  { name: 'a statistics module', kind: 'statistics', source: statistics, passes: true },
  { name: 'a size that is a string', kind: 'strategy', source: strategy(META, `() => ({ action: 'buy', sizeFraction: 'all' })`) },
  { name: 'an action the contract lacks', kind: 'strategy', source: strategy(META, `() => ({ action: 'short' })`) },
  { name: 'meta without warmup', kind: 'strategy', source: strategy(`{ name: 'x', version: '1', description: '', params: {} }`, `() => ({ action: 'hold' })`) },
  { name: 'a pair used as a number', kind: 'strategy', source: strategy(META, `(_s, _b, ctx) => ({ action: 'hold', sizeFraction: ctx.pair * 2 })`) },
  {
    name: 'a param spec without max',
    kind: 'strategy',
    source: strategy(`{ ...${META}, params: { n: { default: 1, min: 0, integer: true, description: '' } } }`, `() => ({ action: 'hold' })`),
  },
  {
    name: 'a report with a string metric',
    kind: 'statistics',
    source: `import type { AnalysisModule } from '../../src/contract/analysis.ts';\nconst m: AnalysisModule = { meta: { name: 'x', version: '1', description: '', queries: {} }, analyze: () => ({ summary: 's', metrics: { a: 'b' } }) };\nexport default m;\n`,
  },
];

describe("the contract's zod-free declaration", () => {
  it('covers every contract file, holds no zod, and is made once then found by content', () => {
    const first = contractDeclaration(setup);
    expect(first.made).toBe(true);
    const declaration = first.declaration!;
    const files = readdirSync(join(PROJECT_ROOT, 'src/contract')).filter((f) => f.endsWith('.ts'));
    expect([...declaration.keys()].map((f) => f.slice(f.lastIndexOf('/') + 1)).sort()).toEqual(files.sort());
    for (const text of declaration.values()) expect(text).not.toMatch(/zod|\bz\./);
    expect(declaration.get(join(PROJECT_ROOT, 'src/contract/strategy.ts'))).toContain('export type ParamSpec = { default: number; min: number; max: number;');
    const again = contractDeclaration(setup);
    expect(again.made).toBe(false);
    expect(again.declaration).toEqual(declaration);
  });

  // The same issues at the same places. The words may differ: the declaration names an alias the
  // contract's zod type spells out ('StrategyMeta'), and lists a union's members in another order.
  // One checker of each kind for the whole corpus, as a gate process keeps one (its later checks are fast).
  const declared = new TypeChecker(PROJECT_ROOT, cacheDir);
  const contract = new TypeChecker(PROJECT_ROOT, null);
  it.each(CORPUS)('gives $name the verdict the contract itself gives', ({ kind, source, passes }) => {
    const path = kind === 'strategy' ? 'strategy/active/strategy.ts' : 'statistics/active/module.ts';
    const verdict = (checker: TypeChecker) => checker.check(kind, path, source).map(({ message: _, ...where }) => where);
    const expected = verdict(contract);
    expect(expected.length === 0).toBe(passes === true);
    expect(verdict(declared)).toEqual(expected);
  });

  it('is made again when its entry is damaged, and made without a folder to keep it in', () => {
    const [entry] = readdirSync(cacheDir);
    writeFileSync(join(cacheDir, entry!), '{"key": "contract-');
    expect(contractDeclaration(setup).made).toBe(true);
    const notAFolder = join(root, 'file');
    writeFileSync(notAFolder, '');
    const made = contractDeclaration({ ...setup, cacheDir: join(notAFolder, 'cache') });
    expect(made.made).toBe(true);
    expect(made.declaration?.size).toBeGreaterThan(0);
  });

  it('is refused when the contract has a zod type it cannot write out, and the check reads the contract', () => {
    const repo = join(root, 'repo');
    mkdirSync(join(repo, 'src/contract'), { recursive: true });
    mkdirSync(join(repo, 'strategy/active'), { recursive: true });
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(repo, 'node_modules'));
    writeFileSync(join(repo, 'package.json'), readFileSync(join(PROJECT_ROOT, 'package.json')));
    // The property's zod type is inferred, never written: there is no written type to print it from.
    const contract = `import { z } from 'zod';\nexport class Holder { readonly schema = z.string(); }\nexport type Size = number;\n`;
    writeFileSync(join(repo, 'src/contract/holder.ts'), contract);
    const refused = contractDeclaration({ repoRoot: repo, options: CHECK_OPTIONS, cacheDir });
    expect(refused).toEqual({ declaration: null, made: true });
    // The checkout's declaration, made for another contract, is gone: one at a time.
    expect(readdirSync(cacheDir)).toEqual([expect.stringMatching(/^contract-[0-9a-f]{64}\.json$/)]);
    expect(contractDeclaration({ repoRoot: repo, options: CHECK_OPTIONS, cacheDir })).toEqual({ declaration: null, made: false });
    const source = `import type { Size } from '../../src/contract/holder.ts';\nconst s: Size = 'x';\nexport default s;\n`;
    expect(new TypeChecker(repo, cacheDir).check('strategy', 'strategy/active/strategy.ts', source).map((i) => i.rule)).toContain('TS2322');
  });
});

describe('files the type check parsed', () => {
  it('are parsed again once their text changes, in the same checker', () => {
    const repo = join(root, 'edited');
    mkdirSync(join(repo, 'src/contract'), { recursive: true });
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(repo, 'node_modules'));
    writeFileSync(join(repo, 'package.json'), readFileSync(join(PROJECT_ROOT, 'package.json')));
    const sizes = join(repo, 'src/contract/sizes.ts');
    const source = `import type { Size } from '../../src/contract/sizes.ts';\nconst s: Size = 'x';\nexport default s;\n`;
    const checker = new TypeChecker(repo, null);
    const rules = () => checker.check('strategy', 'strategy/active/strategy.ts', source).map((i) => i.rule);
    writeFileSync(sizes, 'export type Size = number;\n');
    expect(rules()).toContain('TS2322');
    // The same path, another text: what the check reads is the file as it is now.
    writeFileSync(sizes, 'export type Size = string;\n');
    expect(rules()).not.toContain('TS2322');
  });
});
