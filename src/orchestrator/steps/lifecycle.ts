/**
 * The night's bookends: begin (the cycle's row; a night a restart abandoned before it was persisted is
 * closed as failed; model or offline), gather (the context, stored once so a resumed night sends the
 * same bytes), the offline evolver's night, and finish (outcome and reason, inv. 5).
 */
import type { Began, CycleTrigger, NightOutcome, StepOutcome } from '../../../machines/orchestrator-cycle-types.ts';
import type { CycleRecord } from '../../db/orchestrator-cycles.repo.ts';
import { gatherContext, type ContextBundle } from '../context/gather.ts';
import type { NightDeps } from './night-deps.ts';
import { BrainError } from '../../contract/errors.ts';

/** `night-2026-03-04T0300Z`, unique among the stored nights. */
function cycleIdFor(d: NightDeps, at: number): string {
  const base = `night-${new Date(at).toISOString().slice(0, 16).replace(':', '')}Z`;
  let id = base;
  for (let n = 2; d.cycles.get(id); n++) id = `${base}-${n}`;
  return id;
}

export function beginNight(d: NightDeps, trigger: CycleTrigger, at: number): Began {
  for (const stale of d.cycles.recent(20).filter((c) => c.outcome === null)) {
    d.cycles.finish(stale.id, 'failed', 'abandoned: the daemon stopped before this night was persisted; nothing was deployed', at);
  }
  const mode = d.llm ? 'model' : 'offline';
  const c = d.cycles.start({ id: cycleIdFor(d, at), trigger, mode, startedAt: at, windowEndsAt: at + d.cycle.windowMinutes * 60_000 });
  d.log.info({ cycleId: c.id, trigger, mode }, 'night started');
  return { cycleId: c.id, mode, startedAt: c.startedAt, windowEndsAt: c.windowEndsAt, offlineAlongside: mode === 'model' && d.cycle.offlineAlongside };
}

export function cycleOf(d: NightDeps, cycleId: string): CycleRecord {
  const c = d.cycles.get(cycleId);
  if (!c)
    throw new BrainError(`night ${cycleId} has no row in orchestrator_cycles; it cannot go on`, {
      domain: 'orchestrator',
      code: 'no_cycle_row',
      retryable: false,
    });
  return c;
}

export function bundleOf(c: CycleRecord): ContextBundle {
  if (!c.context)
    throw new BrainError(`night ${c.id} has no gathered context; gathering must come first`, {
      domain: 'orchestrator',
      code: 'out_of_order',
      retryable: false,
    });
  return c.context as unknown as ContextBundle;
}

export async function gatherNight(d: NightDeps, cycleId: string): Promise<StepOutcome> {
  const c = cycleOf(d, cycleId);
  if (!c.context) {
    const bundle = await gatherContext({ sources: d.sources, ledger: d.ports.ledger, contextTokens: d.cycle.contextTokens, secrets: d.secrets }, c.startedAt);
    d.cycles.update(cycleId, { context: bundle as never });
    d.log.info({ cycleId, tokens: bundle.tokens, sections: bundle.sections.length }, 'context gathered');
  }
  return { kind: 'ok', at: d.clock.now() };
}

export async function offlineNight(d: NightDeps, cycleId: string, trigger: CycleTrigger): Promise<StepOutcome> {
  const r = await d.ports.runOfflineNight({ cycleId, trigger, now: d.clock.now() });
  return { kind: 'submitted', at: d.clock.now(), summary: `offline evolver: ${r.summary} (${r.candidates} candidates)` };
}

export function finishNight(d: NightDeps, cycleId: string, outcome: NightOutcome, reason: string | null): void {
  d.cycles.finish(cycleId, outcome, reason ?? (outcome === 'no_change' || outcome === 'submitted' ? null : 'no reason given'), d.clock.now());
  d.log.info({ cycleId, outcome, reason }, 'night finished');
}
