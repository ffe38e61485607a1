/**
 * The library runs inside the strategy sandbox, so it must pass the same static rules as a strategy
 * (no clock, randomness, I/O, reflection, async) and bundle through the sandbox's esbuild fence.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkAst, parseSource } from '../../src/sandbox/gates/ast-check.ts';
import { BUNDLE_GLOBAL, bundleModule } from '../../src/sandbox/gates/bundle.ts';
import { checkImports } from '../../src/sandbox/gates/imports.ts';
import * as sk from '../../strategy/skills/index.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const skillsDir = join(repoRoot, 'strategy/skills');
const files = readdirSync(skillsDir).filter((f) => f.endsWith('.ts'));

describe('skills are sandbox-clean', () => {
  it.each(files)('%s passes the strategy AST and import gates', (file) => {
    const virtualPath = `strategy/skills/${file}`;
    const sf = parseSource(virtualPath, readFileSync(join(skillsDir, file), 'utf8'));
    // index.ts is the one place that re-exports; strategies may not, trusted skills may.
    const issues = [...checkAst(sf), ...checkImports(sf, virtualPath)].filter((i) => !(file === 'index.ts' && i.rule === 're-export'));
    expect(issues).toEqual([]);
  });

  it.each(files)('%s avoids the words the strategy gate bans even in names and comments', (file) => {
    const text = readFileSync(join(skillsDir, file), 'utf8');
    expect(text).not.toMatch(/\b(prototype|constructor|__proto__|Date|Math\.random|async|await|class|eval|Function|Proxy|Reflect)\b/);
  });

  it('a strategy importing the library bundles through the sandbox fence and computes the same numbers', async () => {
    const source = [
      "import { ema, rsi, macd, regime } from '../skills/index.ts';",
      'const xs = Array.from({ length: 120 }, (_, i) => 100 + 10 * Math.sin(i / 7) + i / 10);',
      'const c = { high: xs.map((x) => x + 1), low: xs.map((x) => x - 1), close: xs };',
      'export default { ema: Array.from(ema(xs, 10)), rsi: Array.from(rsi(xs)), hist: Array.from(macd(xs).hist), regime: regime(c) };',
    ].join('\n');
    const bundled = await bundleModule(repoRoot, 'strategy/active/probe.ts', source);
    if (!bundled.ok) expect.fail(JSON.stringify(bundled.issues));
    expect(bundled.code).not.toMatch(/\bimport\b|\brequire\(/);
    const run = new Function(`${bundled.code}; return ${BUNDLE_GLOBAL}.default;`) as () => Record<string, unknown[]>;
    const got = run();
    const xs = Array.from({ length: 120 }, (_, i) => 100 + 10 * Math.sin(i / 7) + i / 10);
    expect(got.ema).toEqual(Array.from(sk.ema(xs, 10)));
    expect(got.rsi).toEqual(Array.from(sk.rsi(xs)));
    expect(got.hist).toEqual(Array.from(sk.macd(xs).hist));
    expect(got.regime).toHaveLength(120);
  });
});
