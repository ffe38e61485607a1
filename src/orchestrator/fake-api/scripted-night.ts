/**
 * Scripted nights for the fake Messages API, shared by the tests, `npm run demo -- --with-orchestrator`
 * and `npm run bench -- orchestrator`: a night that tweaks v001 (analysis → search/replace edits →
 * approving review) and a night that ends in no change. The answers are what a model might plausibly
 * say, with thinking tokens in the range adaptive thinking spends, so the bench's costs are realistic.
 */
import { reply, type FakeReply } from './script.ts';

export const TWEAK_ANALYSIS = {
  observation:
    'Over the last days the strategy entered on EMA crosses in a ranging market; closed trades were small wins and small losses of similar size, ' +
    'and the round-trip fee took most of each win. Exits by take-profit were rare: prices turned before reaching the target, and the stop-loss ' +
    'or the opposite cross closed most positions. Signals are not scarce, so the drought detector shows nothing unusual.',
  decision: 'strategy_tweak',
  hypothesis:
    'A wider take-profit (5 % instead of 4 %) lets the trades that do trend pay for the fees of the ones that do not. If it works, the average win grows ' +
    'and the win rate falls only a little; it has not worked if the paper test shows a lower expectancy than the incumbent on the same days.',
  reasoning:
    'The truth benchmarks show expectancy close to zero with fees paid comparable to realised profit; the trade-performance report attributes most ' +
    'losses to stop-loss exits in ranging regimes. The entry rule is not the weak part; the exit leaves little room above the fee. The ledger holds ' +
    'no earlier attempt on the take-profit distance.',
} as const;

export const TWEAK_GENERATION = {
  summary: 'Raises the default take-profit distance from 4 % to 5 % and marks the module v002; entries, stops and sizing are unchanged.',
  edits: [
    { search: "version: 'v001',", replace: "version: 'v002'," },
    { search: 'takeProfit: { default: 0.04, min: 0.01', replace: 'takeProfit: { default: 0.05, min: 0.01' },
  ],
  source: null,
} as const;

export const APPROVING_REVIEW = {
  verdict: 'approve',
  concerns: ['The change is one parameter default; the paper test against the incumbent on the same days decides whether it helps.'],
  summary: 'A small, testable change consistent with the hypothesis; the diff touches nothing else.',
} as const;

export const NO_CHANGE_ANALYSIS = {
  observation:
    'A quiet day: few crosses, no closed trades, the breaker active. Nothing in the benchmarks or the reports distinguishes today from the days ' +
    'before the last change, and the paper test of the previous candidate is still running.',
  decision: 'no_change',
  hypothesis: '',
  reasoning: 'With a paper test still running and no new evidence, a change tonight would be judged on the same thin data as the one under test.',
} as const;

export function tweakNight(): FakeReply[] {
  return [
    reply.json(TWEAK_ANALYSIS, { thinkingTokens: 1_800, thinking: 'Reading the benchmarks against the trade report…' }),
    reply.json(TWEAK_GENERATION, { thinkingTokens: 1_200 }),
    reply.json(APPROVING_REVIEW, { thinkingTokens: 600 }),
  ];
}

export function noChangeNight(): FakeReply[] {
  return [reply.json(NO_CHANGE_ANALYSIS, { thinkingTokens: 900 })];
}
