/**
 * The static gates (pipeline.ts) behind a door that loads them on first use: they hold the TypeScript
 * compiler and esbuild, ~140 MB and ~0.5–2 s to load, which a daemon that gates nothing (most days)
 * and every command that only reads versions must not pay for. Where they run: in this process (a CLI
 * command, which ends soon after) or, for the daemon, in a gate process of their own that ends once the
 * night's gates are done (child-process.ts), so a long-lived process never keeps the compiler.
 */
import type { GateProcess, GateProcessLimits } from './child-process.ts';
import type { ParamSlotsResult } from './param-slots.ts';
import type { GateInput } from './types.ts';
import type { GateOutcome, GatePipeline } from './pipeline.ts';
import { usableGateSnapshot } from './snapshot.ts';

export type { GateInput, GateIssue, GateName, ModuleKind } from './types.ts';
export type { GateOutcome, GateStageResult } from './pipeline.ts';
export { formatIssue } from './types.ts';

export type GatePlacement = 'in-process' | { process: Partial<GateProcessLimits> };

/**
 * Where one source's gates (a command's strategy file) cost least: in a gate process when it can start
 * from the build's snapshot (snapshot.ts: ready in ~0.1 s, on the other core, while this thread goes on,
 * e.g. parsing the candles), else here (a gate process would first load the compiler itself).
 */
export function oneSourcePlacement(repoRoot: string): GatePlacement {
  return usableGateSnapshot(repoRoot) ? { process: {} } : 'in-process';
}

export class Gates {
  private pipeline: Promise<GatePipeline | GateProcess> | undefined;

  constructor(
    private readonly repoRoot: string,
    private readonly placement: GatePlacement = 'in-process',
  ) {}

  async run(input: GateInput): Promise<GateOutcome> {
    this.pipeline ??= this.load();
    return (await this.pipeline).run(input);
  }

  /** Where a module's parameter defaults are written (src/evolution/params-source.ts rewrites them). */
  async paramSlots(source: string): Promise<ParamSlotsResult> {
    if (this.placement === 'in-process') return (await import('./param-slots.ts')).paramSlots(source);
    this.pipeline ??= this.load();
    return ((await this.pipeline) as GateProcess).paramSlots(source);
  }

  /** Ends the gate process if one runs (a no-op in-process); the next run starts another. */
  async close(): Promise<void> {
    const p = await this.pipeline;
    if (p && 'close' in p) await p.close();
  }

  private load(): Promise<GatePipeline | GateProcess> {
    const placement = this.placement;
    if (placement === 'in-process') return import('./pipeline.ts').then((m) => new m.GatePipeline(this.repoRoot));
    return import('./child-process.ts').then((m) => new m.GateProcess(this.repoRoot, { ...m.DEFAULT_GATE_PROCESS_LIMITS, ...placement.process }));
  }
}
