/**
 * What a model call costs, from the response's usage fields and the price table in config
 * (orchestrator.prices, USD per million tokens): never a price in code. The worst case of a call not
 * yet made (every input token written to the 1 h cache, every allowed output token used) is what the
 * nightly budget is checked against before the call.
 */
import type { ModelPrice } from '../../config/schema.ts';
import { BrainError } from '../../contract/errors.ts';

export interface UsageFigures {
  /** Uncached input tokens. */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  /** Part of outputTokens spent thinking (for the record; already billed as output). */
  thinkingTokens: number;
}

export class PriceMissingError extends BrainError<'price_missing'> {
  override readonly name = 'PriceMissingError';
  constructor(message: string) {
    super(message, { domain: 'orchestrator', code: 'price_missing', retryable: false });
  }
}

export function priceOf(prices: readonly ModelPrice[], model: string): ModelPrice {
  const p = prices.find((x) => x.model === model);
  if (!p)
    throw new PriceMissingError(
      `no price for model "${model}" in orchestrator.prices: add an [[orchestrator.prices]] table with model = "${model}" to config/settings.toml`,
    );
  return p;
}

const PER_TOKEN = 1e-6;

export function callCostUsd(p: ModelPrice, u: UsageFigures): number {
  const usd =
    u.inputTokens * p.input +
    u.outputTokens * p.output +
    u.cacheReadTokens * p.cacheRead +
    u.cacheWrite5mTokens * p.cacheWrite5m +
    u.cacheWrite1hTokens * p.cacheWrite1h;
  return usd * PER_TOKEN;
}

/** The most a call with `inputTokens` in and at most `maxTokens` out can cost. */
export function worstCaseUsd(p: ModelPrice, inputTokens: number, maxTokens: number): number {
  return (inputTokens * Math.max(p.input, p.cacheWrite1h, p.cacheWrite5m) + maxTokens * p.output) * PER_TOKEN;
}

/** The response's usage in our terms; a write without its TTL breakdown counts as the 1 h TTL we ask for. */
export function usageFigures(u: {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_creation?: { ephemeral_1h_input_tokens: number; ephemeral_5m_input_tokens: number } | null;
  output_tokens_details?: { thinking_tokens: number } | null;
}): UsageFigures {
  const written = u.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: u.input_tokens,
    outputTokens: u.output_tokens,
    cacheReadTokens: u.cache_read_input_tokens ?? 0,
    cacheWrite5mTokens: u.cache_creation ? u.cache_creation.ephemeral_5m_input_tokens : 0,
    cacheWrite1hTokens: u.cache_creation ? u.cache_creation.ephemeral_1h_input_tokens : written,
    thinkingTokens: u.output_tokens_details?.thinking_tokens ?? 0,
  };
}
