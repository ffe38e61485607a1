/** Shared shapes for the static gates: every rejection names the gate, the rule and where it is. */
export type GateName = 'size' | 'ast' | 'imports' | 'types' | 'bundle' | 'canary';

export interface GateIssue {
  readonly gate: GateName;
  readonly rule: string;
  /** 1-based line and column in the submitted source (0 when the issue is not tied to a place). */
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export type ModuleKind = 'strategy' | 'statistics';

export interface GateInput {
  readonly kind: ModuleKind;
  readonly source: string;
  /** Repository-relative path the source is checked as (decides how relative imports resolve). */
  readonly virtualPath?: string;
}

/** Where value imports may come from, and the API declaration (type imports only); see imports.ts. */
export const SKILLS_DIR = 'strategy/skills/';
export const API_DIR = 'src/contract/';

/** The active strategy's file, relative to the checkout: where a strategy is checked as if it sat. */
export const ACTIVE_STRATEGY_FILE = 'strategy/active/strategy.ts';

export function defaultVirtualPath(input: GateInput): string {
  return input.virtualPath ?? (input.kind === 'strategy' ? ACTIVE_STRATEGY_FILE : 'statistics/active/module.ts');
}

export function issueAt(gate: GateName, rule: string, pos: { line: number; character: number } | null, message: string): GateIssue {
  return { gate, rule, line: pos ? pos.line + 1 : 0, column: pos ? pos.character + 1 : 0, message };
}

export function formatIssue(i: GateIssue): string {
  return `${i.line}:${i.column} [${i.gate}/${i.rule}] ${i.message}`;
}
