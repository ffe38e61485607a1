/**
 * Determinism canary: a version runs the same fixture in two fresh children, the second started as if
 * the host were in another time zone and language; the hashes of everything it said must match, and
 * every decision must be schema-valid. Otherwise the version is rejected.
 */
import { createHash } from 'node:crypto';
import { sha256 } from '../hash.ts';
import { AnalysisReportSchema } from '../contract/analysis.ts';
import { DecisionSchema } from '../contract/intent.ts';
import type { Pair } from '../contract/pairs.ts';
import type { ModuleKind } from './gates/types.ts';
import { StrategyHost, type StrategyHostOptions } from './host/strategy-host.ts';
import type { BarsItem, PairSetup } from './protocol.ts';
import { SandboxError } from './errors.ts';

const PAIRS: Pair[] = ['BTC/USD', 'ETH/USD', 'SOL/USD'];
const BARS = 300;

export type CanaryResult = { ok: true; hash: string } | { ok: false; reason: string };

/** What the canary needs of a host: a seam so the comparison itself can be tested with a scripted fake. */
export type CanaryHost = Pick<StrategyHost, 'call' | 'close'>;
export type StartCanaryHost = (opts: StrategyHostOptions) => Promise<CanaryHost>;

const startRealHost: StartCanaryHost = (opts) => StrategyHost.start(opts);

/** Deterministic synthetic candles: two sine waves plus a drift, volume cycling (no randomness, no data files). */
function fixtureBar(p: number, i: number): number[] {
  const base = 100 * (p + 1);
  const at = (k: number): number => base * (1 + 0.03 * Math.sin(k / 9 + p) + 0.01 * Math.sin(k / 2.7) + 0.0002 * k);
  const open = at(i - 1);
  const close = at(i);
  return [1_700_000_000_000 + i * 300_000, open, Math.max(open, close) * 1.002, Math.min(open, close) * 0.998, close, 10 + ((i * 7 + p) % 13)];
}

async function runStrategyOnce(start: StartCanaryHost, opts: StrategyHostOptions, setups: PairSetup[]): Promise<string> {
  const host = await start({ ...opts, restartBudget: 0 });
  try {
    await host.call({ kind: 'init', pairs: setups, historyCap: BARS }, undefined, 'control');
    const hash = createHash('sha256');
    for (let i = 0; i < BARS; i++) {
      const items: BarsItem[] = setups.map(({ pair }) => ({ pair, n: 1, position: null, equity: 10_000, decide: true }));
      const payload = new Float64Array(setups.flatMap((_, p) => fixtureBar(p, i)));
      const reply = await host.call({ kind: 'bars', items }, payload, 'scan');
      const decisions = (reply['decisions'] ?? []) as Array<{ decision?: unknown }>;
      for (const d of decisions) {
        const parsed = DecisionSchema.safeParse(d.decision);
        if (!parsed.success) throw new SandboxError('guest_error', `bar ${i}: decision is not schema-valid: ${parsed.error.issues[0]?.message ?? ''}`, false);
      }
      hash.update(JSON.stringify(decisions));
    }
    return hash.digest('hex');
  } finally {
    await host.close();
  }
}

async function runAnalysisOnce(start: StartCanaryHost, opts: StrategyHostOptions): Promise<string> {
  const host = await start({ ...opts, restartBudget: 0 });
  try {
    const reply = await host.call({ kind: 'analyze', results: {} }, undefined, 'analyze');
    const report = AnalysisReportSchema.safeParse(reply['report']);
    if (!report.success) throw new SandboxError('guest_error', `report on empty results is not schema-valid: ${report.error.issues[0]?.message ?? ''}`, false);
    return sha256(JSON.stringify(report.data));
  } finally {
    await host.close();
  }
}

/**
 * A child environment as if the host were elsewhere: a time zone and a language other than this
 * host's. The child pins its own (PINNED_ENV), so a version that reads local time or formats by
 * locale still hashes the same; if the pins ever went, this run would tell.
 */
export function foreignEnvironment(): Record<string, string> {
  const here = Intl.DateTimeFormat().resolvedOptions();
  const zone = here.timeZone === 'Pacific/Chatham' ? 'America/St_Johns' : 'Pacific/Chatham';
  const lang = here.locale.startsWith('de') ? 'fr_FR.UTF-8' : 'de_DE.UTF-8';
  return { TZ: zone, LANG: lang, LC_ALL: lang };
}

export async function runCanary(kind: ModuleKind, bundle: string, setups: PairSetup[], start: StartCanaryHost = startRealHost): Promise<CanaryResult> {
  const base: StrategyHostOptions = { versionId: 'canary', kind, bundle };
  try {
    const once = (opts: StrategyHostOptions): Promise<string> =>
      kind === 'strategy'
        ? runStrategyOnce(
            start,
            opts,
            setups.filter((s) => PAIRS.includes(s.pair)),
          )
        : runAnalysisOnce(start, opts);
    const abroad = foreignEnvironment();
    const a = await once(base);
    const b = await once({ ...base, environment: abroad });
    return a === b
      ? { ok: true, hash: a }
      : {
          ok: false,
          reason: `non-deterministic: two runs of the fixture gave ${a.slice(0, 12)} and ${b.slice(0, 12)} (the second as if the host were in ${abroad['TZ']}, ${abroad['LANG']})`,
        };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

export const CANARY_PAIRS = PAIRS;
