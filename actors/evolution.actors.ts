/**
 * The supervisor's evolution actors: the strategy switch (deploy / rollback with the live hot swap,
 * src/evolution/deploy.ts), the rollback watch (src/evolution/watch.ts + triggers.ts against the deployed
 * version's recorded expectations), and the bridge that turns paper-test rows written by another process
 * (the CLI) into events. Each is a thin translation; the decisions are the machine's and src/evolution's.
 */
import type { Logger } from 'pino';
import { fromCallback, type EventObject } from 'xstate';
import type { SupervisorEvent } from '../machines/supervisor.machine.ts';
import type { Clock } from '../src/clock/clock.ts';
import type { RollbackLimits } from '../src/contract/risk.ts';
import type { EvolutionRepo, LedgerRepo, PaperTestsRepo } from '../src/db/index.ts';
import { promote, rollback, type DeployDeps } from '../src/evolution/deploy.ts';
import type { Expectations } from '../src/evolution/expectations.ts';
import { evaluateTriggers, type RollbackTrigger } from '../src/evolution/triggers.ts';
import { WatchState, type WatchEvent } from '../src/evolution/watch.ts';
import type { Swapper, VersionStore } from '../src/versions/store.ts';

export interface EvolutionActorDeps {
  /** Resolved at use (the daemon opens them during boot). */
  store: () => VersionStore;
  swap: () => Swapper;
  /** Told the version the live host now runs (the pointer watch compares with it). */
  onSwitched: (versionId: string) => void;
  ledger: LedgerRepo;
  evolution: EvolutionRepo;
  paperTests: PaperTestsRepo;
  rollbackLimits: RollbackLimits;
  /** What an unevaluated version is assumed to pay (config slippage and fallback taker fee). */
  assumed: Pick<Expectations, 'slippage' | 'takerFee'>;
  clock: Clock;
  log: Logger;
  /** How often the bridge reads the paper_tests table for requests from other processes (default 1 min). */
  bridgeIntervalMs?: number;
}

type SwitchInput = { kind: 'deploy' | 'rollback'; versionId: string | null; by: string; reason: string; trigger: unknown };

export function evolutionActors(deps: EvolutionActorDeps) {
  const deployDeps = (): DeployDeps => ({ store: deps.store(), ledger: deps.ledger, clock: deps.clock, swap: deps.swap() });
  return {
    switchStrategy: fromCallback<EventObject, SwitchInput>(({ input, sendBack }) => {
      const run = async (): Promise<string> => {
        if (input.kind === 'deploy') return (await promote(deployDeps(), input.versionId!, input.by, input.reason)).id;
        return (await rollback(deployDeps(), input.by, (input.trigger as RollbackTrigger | null) ?? null)).to.id;
      };
      run().then(
        (versionId) => {
          deps.onSwitched(versionId);
          deps.log.info({ versionId, kind: input.kind, by: input.by }, input.kind === 'deploy' ? 'strategy deployed: effective at the next candle' : 'strategy rolled back');
          sendBack({ type: 'strategy.activated', versionId, kind: input.kind } satisfies SupervisorEvent);
        },
        (err: unknown) => {
          deps.log.error({ err, ...input }, 'strategy switch failed; the incumbent keeps trading');
          sendBack({ type: 'strategy.swapFailed', versionId: input.versionId ?? 'previous', message: err instanceof Error ? err.message : String(err) } satisfies SupervisorEvent);
        },
      );
    }),
    rollbackWatch: fromCallback<EventObject, void>(({ receive, sendBack }) => {
      const state = new WatchState();
      let expectations: Expectations | null = null;
      let fired = false;
      receive((e) => {
        const event = e as WatchEvent;
        if (event.type === 'watch.reset') {
          expectations = (deps.evolution.expectations(event.versionId)?.expectations as Expectations | undefined) ?? null;
          fired = false;
        }
        state.take(event);
        const versionId = state.watching;
        if (fired || versionId === null) return;
        const trigger = evaluateTriggers(state.observations(), expectations, deps.assumed, deps.rollbackLimits);
        if (!trigger) return;
        fired = true;
        deps.log.warn({ versionId, trigger }, 'rollback trigger fired');
        sendBack({ type: 'rollback.triggered', versionId, trigger } satisfies SupervisorEvent);
      });
    }),
    evolutionBridge: fromCallback<EventObject, void>(({ sendBack }) => {
      const known = new Set<string>();
      let timer: unknown;
      const tick = (): void => {
        try {
          for (const t of deps.paperTests.active()) {
            if (known.has(t.id)) continue;
            known.add(t.id);
            const ledgerId = (t.result as { ledgerId?: number } | null)?.ledgerId ?? null;
            sendBack({ type: 'paperTest.scheduled', paperTestId: t.id, versionId: t.versionId, incumbentId: t.baselineVersionId, ledgerId } satisfies SupervisorEvent);
          }
          for (const id of known) {
            const t = deps.paperTests.byId(id);
            if (t?.status === 'cancelled') sendBack({ type: 'paperTest.cancel', paperTestId: id, by: t.reason ?? 'another process' } satisfies SupervisorEvent);
            if (!t || ['passed', 'failed', 'cancelled'].includes(t.status)) known.delete(id);
          }
        } catch (err) {
          deps.log.warn({ err }, 'reading paper-test requests failed; trying again');
        }
        timer = deps.clock.setTimeout(tick, deps.bridgeIntervalMs ?? 60_000);
      };
      tick();
      return () => deps.clock.clearTimeout(timer);
    }),
  };
}
