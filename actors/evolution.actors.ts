/**
 * The supervisor's evolution actors: the strategy switch (deploy / rollback with the live hot swap, the
 * one use case of src/evolution/deploy.ts) and the rollback watch (src/evolution/watch.ts + triggers.ts
 * against the deployed version's recorded expectations). Each is a thin translation; the decisions are
 * the machine's and src/evolution's. Requests from other processes reach the supervisor as events over
 * the control socket (src/control/socket): nothing here reads the database on a timer.
 */
import type { Logger } from 'pino';
import { fromCallback, type EventObject } from 'xstate';
import type { StrategySwitch, SupervisorEvent } from '../machines/supervisor.machine.ts';
import type { Clock } from '../src/clock/clock.ts';
import type { RollbackLimits } from '../src/contract/risk.ts';
import type { EvolutionRepo, LedgerRepo, PaperTestsRepo } from '../src/db/index.ts';
import { promote, rollback, type DeployDeps } from '../src/evolution/deploy.ts';
import type { Expectations } from '../src/evolution/expectations.ts';
import { evaluateTriggers, type RollbackTrigger } from '../src/evolution/triggers.ts';
import { WatchState, type WatchEvent } from '../src/evolution/watch.ts';
import type { Swapper, VersionStore } from '../src/versions/store.ts';
import { BrainError, toErrorInfo } from '../src/contract/errors.ts';

export interface EvolutionActorDeps {
  /** Resolved at use (the daemon opens them during boot). */
  store: () => VersionStore;
  swap: () => Swapper;
  /** Told the version the live host now runs. */
  onSwitched: (versionId: string) => void;
  ledger: LedgerRepo;
  evolution: EvolutionRepo;
  paperTests: PaperTestsRepo;
  rollbackLimits: RollbackLimits;
  /** What an unevaluated version is assumed to pay (config slippage and fallback taker fee). */
  assumed: Pick<Expectations, 'slippage' | 'takerFee'>;
  clock: Clock;
  log: Logger;
}

type SwitchInput = { kind: 'deploy' | 'rollback'; versionId: string | null; by: string; reason: string; trigger: unknown };

export function evolutionActors(deps: EvolutionActorDeps) {
  const deployDeps = (): DeployDeps => ({ store: deps.store(), ledger: deps.ledger, paperTests: deps.paperTests, clock: deps.clock, swap: deps.swap() });
  return {
    switchStrategy: fromCallback<EventObject, SwitchInput>(({ input, sendBack }) => {
      const trigger = (input.trigger as RollbackTrigger | null) ?? null;
      const run = async (): Promise<{ versionId: string; from: string | null }> => {
        // The supervisor decided (a passed paper test, or an operator's request the use case already checked): forced.
        if (input.kind === 'deploy') {
          const out = await promote(deployDeps(), input.versionId!, input.by, { reason: input.reason, force: true });
          if (!out.ok) throw new BrainError(out.reason, { domain: 'evolution', code: out.code, retryable: false });
          return { versionId: out.version.id, from: out.from };
        }
        const r = await rollback(deployDeps(), input.by, trigger);
        return { versionId: r.to.id, from: r.from };
      };
      run().then(
        ({ versionId, from }) => {
          deps.onSwitched(versionId);
          deps.log.info(
            { versionId, from, kind: input.kind, by: input.by },
            input.kind === 'deploy' ? 'strategy deployed: effective at the next candle' : 'strategy rolled back',
          );
          const done: StrategySwitch = { kind: input.kind, from, by: input.by, reason: input.reason, trigger };
          sendBack({ type: 'strategy.activated', versionId, ...done } satisfies SupervisorEvent);
        },
        (err: unknown) => {
          deps.log.error({ err, ...input }, 'strategy switch failed; the incumbent keeps trading');
          sendBack({ type: 'strategy.swapFailed', versionId: input.versionId ?? 'previous', error: toErrorInfo(err) } satisfies SupervisorEvent);
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
  };
}
