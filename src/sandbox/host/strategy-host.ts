/**
 * A supervised child for one module version: starts it, checks its meta with zod, applies per-kind
 * deadlines and reply caps, counts failures per version, restarts within a budget and reports every
 * failure as an event. `generation` changes on each restart so callers know child-held state is gone.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import { AnalysisMetaSchema, type AnalysisMeta } from '../../contract/analysis.ts';
import { StrategyMetaSchema, type StrategyMeta } from '../../contract/strategy.ts';
import { SandboxError, type SandboxErrorCode, type StatisticsErrorCode } from '../errors.ts';
import type { ModuleKind } from '../gates/types.ts';
import type { HostRequest } from '../protocol.ts';
import { SandboxChild, type CallLimits, type ProgressFn } from './child.ts';
import { childScript } from './runner-script.ts';
import { DEFAULT_SPAWN_LIMITS, probeIsolation, type SpawnLimits } from './spawn.ts';

export type CallKind = 'ready' | 'control' | 'scan' | 'backtest' | 'analyze';
export const DEFAULT_CALL_LIMITS: Record<CallKind, CallLimits> = {
  ready: { deadlineMs: 5_000, maxReplyBytes: 64 * 1024 },
  control: { deadlineMs: 10_000, maxReplyBytes: 4 * 1024 },
  scan: { deadlineMs: 1_000, maxReplyBytes: 64 * 1024 },
  backtest: { deadlineMs: 60_000, maxReplyBytes: 64 * 1024 * 1024 },
  analyze: { deadlineMs: 5_000, maxReplyBytes: 64 * 1024 },
};

export type FailureReason =
  | 'child_exited'
  | 'deadline'
  | 'bad_frame'
  | 'output_too_large'
  | 'guest_error'
  | 'invalid_output'
  | 'invalid_meta'
  | StatisticsErrorCode;

export type SandboxEvent =
  | { type: 'sandbox.failed'; versionId: string; reason: FailureReason; message: string; count: number }
  | { type: 'sandbox.restarted'; versionId: string; restarts: number }
  | { type: 'sandbox.budgetSpent'; versionId: string; restarts: number };

export interface StrategyHostOptions {
  versionId: string;
  kind: ModuleKind;
  bundle: string;
  logger?: Logger;
  onEvent?: (e: SandboxEvent) => void;
  /** Restarts allowed over the host's life before every call fails with restart_budget_spent. */
  restartBudget?: number;
  limits?: Partial<Record<CallKind, Partial<CallLimits>>>;
  spawn?: Partial<SpawnLimits>;
  /**
   * The environment the child starts from before its time zone and locale are pinned (PINNED_ENV);
   * empty unless a caller wants the child to run as if the host were elsewhere (the determinism canary).
   */
  environment?: Readonly<Record<string, string>>;
}

const ReplySchema = z.union([
  z.object({ kind: z.literal('error'), error: z.string(), code: z.string().optional() }),
  z.object({ kind: z.string() }).passthrough(),
]);
/** The only codes a child may claim: the runner's own protocol refusals. Anything else it reports is the module's. */
const RUNNER_CODES = new Set<string>(['bad_frame', 'not_ready'] satisfies SandboxErrorCode[]);

export class StrategyHost {
  private child: SandboxChild | null = null;
  private restarts = 0;
  private readonly counts = new Map<FailureReason, number>();
  private moduleMeta: StrategyMeta | AnalysisMeta | null = null;
  generation = 0;

  private constructor(private readonly opts: StrategyHostOptions) {}

  static async start(opts: StrategyHostOptions): Promise<StrategyHost> {
    const host = new StrategyHost(opts);
    await host.spawn();
    return host;
  }

  get versionId(): string {
    return this.opts.versionId;
  }

  get meta(): StrategyMeta | AnalysisMeta {
    if (!this.moduleMeta) throw new SandboxError('not_ready', `version ${this.opts.versionId} has no meta yet`, false);
    return this.moduleMeta;
  }

  failures(): Readonly<Partial<Record<FailureReason, number>>> {
    return Object.fromEntries(this.counts);
  }

  get childPid(): number | undefined {
    return this.child?.pid;
  }

  /** The generation of a live child, restarting a dead one first (within the restart budget). */
  async live(): Promise<number> {
    if (!this.child?.alive) await this.restart();
    return this.generation;
  }

  /**
   * Sends one request; returns the reply object (kind already checked not to be 'error'). A request
   * that relies on state an earlier request put in the child (a loaded dataset) names that child's
   * `generation`: if it has died or been replaced since, nothing is sent and the call fails with the
   * retryable `child_restarted`, so the caller loads its state again instead of getting a reply
   * about state the new child never had.
   */
  async call(
    req: HostRequest,
    payload: Float64Array | undefined,
    kind: CallKind,
    onProgress?: ProgressFn,
    generation?: number,
  ): Promise<Record<string, unknown>> {
    if (generation !== undefined && (generation !== this.generation || !this.child?.alive)) {
      throw new SandboxError('child_restarted', `the sandbox child that held this request's state (generation ${generation}) is gone; load it again`, true);
    }
    if (!this.child?.alive) await this.restart();
    try {
      return this.unwrap(await this.child!.request(req, payload, this.limits(kind), onProgress));
    } catch (err) {
      throw this.record(err);
    }
  }

  /** Counts an invalid output found by a caller's schema (the reply was well-framed JSON but wrong). */
  reportInvalidOutput(message: string): void {
    this.record(new SandboxError('guest_error', message, false), 'invalid_output');
  }

  /** Counts a failure found outside the child (a statistics query refused or timed out) against this version. */
  reportFailure(reason: StatisticsErrorCode, message: string): void {
    this.record(new SandboxError('guest_error', message, false), reason);
  }

  async close(): Promise<void> {
    const c = this.child;
    this.child = null;
    await c?.close();
  }

  private limits(kind: CallKind): CallLimits {
    return { ...DEFAULT_CALL_LIMITS[kind], ...this.opts.limits?.[kind] };
  }

  private async spawn(): Promise<void> {
    const iso = probeIsolation(this.opts.logger);
    const script = await childScript(this.opts.bundle);
    const child = new SandboxChild(script, { ...DEFAULT_SPAWN_LIMITS, ...this.opts.spawn }, iso, this.limits('ready'), this.opts.environment);
    this.child = child;
    this.generation += 1;
    let reply: Record<string, unknown>;
    try {
      reply = this.unwrap(await child.ready());
    } catch (err) {
      child.kill();
      throw this.record(err);
    }
    const schema = this.opts.kind === 'strategy' ? StrategyMetaSchema : AnalysisMetaSchema;
    const meta = schema.safeParse(reply['meta']);
    if (!meta.success) {
      child.kill();
      throw this.record(new SandboxError('guest_error', `module meta is invalid: ${z.prettifyError(meta.error)}`, false), 'invalid_meta');
    }
    this.moduleMeta = meta.data;
  }

  private async restart(): Promise<void> {
    const budget = this.opts.restartBudget ?? 3;
    if (this.restarts >= budget) {
      this.opts.onEvent?.({ type: 'sandbox.budgetSpent', versionId: this.opts.versionId, restarts: this.restarts });
      throw new SandboxError('restart_budget_spent', `version ${this.opts.versionId} used its ${budget} restarts; deploy another version or roll back`, false);
    }
    this.restarts += 1;
    await this.child?.close();
    this.opts.logger?.warn({ versionId: this.opts.versionId, restarts: this.restarts }, 'restarting sandbox child');
    this.opts.onEvent?.({ type: 'sandbox.restarted', versionId: this.opts.versionId, restarts: this.restarts });
    await this.spawn();
  }

  private unwrap(raw: unknown): Record<string, unknown> {
    const reply = ReplySchema.safeParse(raw);
    if (!reply.success) throw new SandboxError('bad_frame', 'child reply is not an object with a kind', false);
    if (reply.data.kind === 'error') {
      const code = reply.data['code'];
      if (typeof code === 'string' && RUNNER_CODES.has(code))
        throw new SandboxError(code as SandboxErrorCode, `sandbox runner refused the request: ${String(reply.data['error'])}`, false);
      throw new SandboxError('guest_error', `module threw: ${String(reply.data['error'])}`, true);
    }
    return reply.data as Record<string, unknown>;
  }

  private record(err: unknown, as?: FailureReason): SandboxError {
    const e = err instanceof SandboxError ? err : new SandboxError('guest_error', String(err), false, { cause: err });
    const reason: FailureReason = as ?? (e.code as FailureReason);
    const count = (this.counts.get(reason) ?? 0) + 1;
    this.counts.set(reason, count);
    this.opts.logger?.warn({ versionId: this.opts.versionId, reason, count, err: e.message }, 'sandbox failure');
    this.opts.onEvent?.({ type: 'sandbox.failed', versionId: this.opts.versionId, reason, message: e.message, count });
    return e;
  }
}
