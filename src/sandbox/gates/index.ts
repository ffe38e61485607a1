/**
 * The static gates (pipeline.ts) behind a door that loads them on first use: they hold the TypeScript
 * compiler and esbuild, ~140 MB and ~0.5–2 s to load, which a daemon that gates nothing (most days)
 * and every command that only reads versions must not pay for.
 */
import type { GateInput } from './types.ts';
import type { GateOutcome, GatePipeline } from './pipeline.ts';

export type { GateInput, GateIssue, GateName, ModuleKind } from './types.ts';
export type { GateOutcome, GateStageResult } from './pipeline.ts';
export { formatIssue } from './types.ts';

export class Gates {
  private pipeline: Promise<GatePipeline> | undefined;

  constructor(private readonly repoRoot: string) {}

  async run(input: GateInput): Promise<GateOutcome> {
    this.pipeline ??= import('./pipeline.ts').then((m) => new m.GatePipeline(this.repoRoot));
    return (await this.pipeline).run(input);
  }
}
