/**
 * The supervisor's part in the evolution pipeline, as pure functions and types (the kernel stays
 * readable): which paper tests run (at most `maxConcurrent`), how a candidate's pass becomes a deploy
 * and a trigger a rollback (with a cooldown; the breaker holds entries at reducing after it), and the
 * canary's size fraction. The I/O is in actors/evolution.actors.ts.
 */
import type { Intent } from '../src/contract/index.ts';
import type { RollbackTrigger } from '../src/contract/risk.ts';
import type { PaperTestEmitted, PaperTestInput, PaperTestRecord, PaperTestSettings } from './paper-test.machine.ts';

export interface EvolutionSettings {
  paper: PaperTestSettings;
  maxConcurrentPaperTests: number;
  /** No automatic rollback within this long of a deploy or rollback (no flapping). */
  cooldownMs: number;
  /** After an automatic rollback, the breaker is held at reducing for this long (a timed 'rollback' hold). */
  reducingMs: number;
  /** Live canary: entries of a new version at this size fraction for its first `trades` closed trades; null = off. */
  canary: { fraction: number; trades: number } | null;
}

export const DEFAULT_EVOLUTION_SETTINGS: EvolutionSettings = {
  paper: { minDays: 3, maxDays: 10, minTrades: 5 },
  maxConcurrentPaperTests: 2,
  cooldownMs: 24 * 3_600_000,
  reducingMs: 24 * 3_600_000,
  canary: null,
};

export interface EvolutionContext {
  settings: EvolutionSettings;
  paperTests: Array<{ id: string; running: boolean }>;
  lastSwitchAt: number | null;
  canaryLeft: number;
}

/** A paper test announced by a use case (or found at boot): what its machine is spawned with. */
export type PaperTestCommand =
  | { type: 'paperTest.scheduled'; paperTestId: string; versionId: string; incumbentId: string | null; ledgerId: number | null }
  | { type: 'paperTest.cancel'; paperTestId: string; by: string };

export type EvolutionEvent =
  | PaperTestCommand
  | PaperTestEmitted
  | { type: 'strategy.deploy'; versionId: string; by: string; reason: string }
  | { type: 'strategy.rollback'; by: string; trigger: RollbackTrigger | null }
  | { type: 'rollback.triggered'; versionId: string; trigger: RollbackTrigger };

export function initialEvolution(settings: EvolutionSettings = DEFAULT_EVOLUTION_SETTINGS): EvolutionContext {
  return { settings, paperTests: [], lastSwitchAt: null, canaryLeft: 0 };
}

export function paperTestInput(e: Extract<PaperTestCommand, { type: 'paperTest.scheduled' }>, s: EvolutionSettings, now: number): PaperTestInput {
  return { id: e.paperTestId, versionId: e.versionId, incumbentId: e.incumbentId, ledgerId: e.ledgerId, settings: s.paper, now };
}

export function restoredPaperTestInput(r: PaperTestRecord, now: number): PaperTestInput {
  const c = r.context;
  return { id: c.id, versionId: c.versionId, incumbentId: c.incumbentId, ledgerId: c.ledgerId, settings: c.settings, now, resume: { ...r, now } };
}

/** The scheduled tests to start now, oldest first, so that at most maxConcurrent run. */
export function testsToStart(ev: EvolutionContext): string[] {
  const running = ev.paperTests.filter((t) => t.running).length;
  return ev.paperTests
    .filter((t) => !t.running)
    .slice(0, Math.max(0, ev.settings.maxConcurrentPaperTests - running))
    .map((t) => t.id);
}

export function withStarted(ev: EvolutionContext, ids: readonly string[]): EvolutionContext {
  return { ...ev, paperTests: ev.paperTests.map((t) => (ids.includes(t.id) ? { ...t, running: true } : t)) };
}

export function withoutTest(ev: EvolutionContext, id: string): EvolutionContext {
  return { ...ev, paperTests: ev.paperTests.filter((t) => t.id !== id) };
}

export function cooldownOver(ev: EvolutionContext, now: number): boolean {
  return ev.lastSwitchAt === null || now - ev.lastSwitchAt >= ev.settings.cooldownMs;
}

/** A live canary's entry at its reduced size; everything else as the strategy asked. */
export function canaryIntent(ev: EvolutionContext, intent: Intent): Intent {
  const d = intent.decision;
  if (ev.canaryLeft <= 0 || !ev.settings.canary || d.action !== 'buy' || d.sizeFraction === undefined) return intent;
  return { ...intent, decision: { ...d, sizeFraction: d.sizeFraction * ev.settings.canary.fraction } };
}

/** After a switch: the cooldown starts; a deploy (not a rollback) starts the canary when one is configured. */
export function afterSwitch(ev: EvolutionContext, kind: 'deploy' | 'rollback' | undefined, now: number): EvolutionContext {
  return { ...ev, lastSwitchAt: now, canaryLeft: kind === 'deploy' && ev.settings.canary ? ev.settings.canary.trades : 0 };
}
