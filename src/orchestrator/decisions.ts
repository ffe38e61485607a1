/**
 * The decisions a night can end in (seed: NO_CHANGE, strategy tweak / restructure, market-analysis and
 * trade-analysis updates) and the module each one changes.
 */
export const DECISIONS = ['no_change', 'strategy_tweak', 'strategy_restructure', 'market_analysis_update', 'trade_analysis_update'] as const;
export type Decision = (typeof DECISIONS)[number];

export interface ModuleTarget {
  kind: 'strategy' | 'statistics';
  /** 'strategy', or the statistics module's file name. */
  name: string;
  /** A tweak edits the current source with search/replace blocks; the others return a whole module. */
  form: 'edits' | 'module';
}

const TARGETS: Record<Exclude<Decision, 'no_change'>, ModuleTarget> = {
  strategy_tweak: { kind: 'strategy', name: 'strategy', form: 'edits' },
  strategy_restructure: { kind: 'strategy', name: 'strategy', form: 'module' },
  market_analysis_update: { kind: 'statistics', name: 'market_analysis', form: 'module' },
  trade_analysis_update: { kind: 'statistics', name: 'trade_performance', form: 'module' },
};

export function targetOf(decision: Decision): ModuleTarget | null {
  return decision === 'no_change' ? null : TARGETS[decision];
}
