/**
 * The one way the orchestrator talks to a model (@anthropic-ai/sdk): explicit apiKey, baseURL, timeout
 * and maxRetries from config, no temperature, adaptive thinking per config, structured output through
 * output_config.format (the JSON schema of a zod schema), and the static prefix cached for 1 h with the
 * breakpoint on its last block. Before every call: the request is checked for secret values (inv. 7),
 * its input tokens counted (count_tokens, else the local estimate) and the nightly USD cap checked with
 * the worst case of this very call. The call's own deadline runs on the injected clock; what it cost
 * comes from the response's usage and the config price table and is written to token_usage.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import type { Message, MessageCreateParamsNonStreaming, TextBlockParam } from '@anthropic-ai/sdk/resources/messages/messages';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock } from '../../clock/clock.ts';
import type { Config } from '../../config/index.ts';
import type { OrchestratorRepo } from '../../db/index.ts';
import { sha256 } from '../../hash.ts';
import { spending } from './budget.ts';
import { LlmError, toLlmError } from './errors.ts';
import { callCostUsd, priceOf, usageFigures, worstCaseUsd, type UsageFigures } from './pricing.ts';
import { estimateTokens } from './tokens.ts';

export interface LlmRequest {
  cycleId: string;
  /** What the call is for ('analysis', 'generation', 'review'): token_usage.purpose. */
  step: string;
  model: string;
  /** The static prefix, one text per block; identical bytes every night (the cache key). */
  system: readonly string[];
  /** Everything that changes: the night's context and the task. */
  user: string;
  schema: z.ZodType;
  /** Refuse to send more input than this (the bounded context plus the prefix). */
  maxInputTokens: number;
}

export interface LlmAnswer {
  /** The whole response as received, JSON text: what the thought spool stores. */
  raw: string;
  /** The text of the answer (structured output arrives as one text block). */
  text: string;
  stopReason: string | null;
  usage: UsageFigures;
  costUsd: number;
  model: string;
  promptSha256: string;
}

export interface TokenCount {
  tokens: number;
  source: 'api' | 'estimate';
}

export type ClientSettings = Pick<Config['orchestrator'], 'client' | 'prices' | 'maxTokens' | 'dailyBudgetUsd' | 'monthlyBudgetUsd'>;

export interface LlmClientDeps {
  apiKey: string;
  settings: ClientSettings;
  usage: Pick<OrchestratorRepo, 'tokenTotals' | 'recordTokenUsage'>;
  clock: Clock;
  /** Every secret value the daemon holds: none may appear in a request. */
  secrets: readonly string[];
  log: Logger;
}

export class LlmClient {
  private sdk: Promise<Anthropic> | undefined;

  constructor(private readonly deps: LlmClientDeps) {}

  /** The SDK (~40 MB, ~0.5 s to load) loads on the night's first call, not with the daemon that holds this client. */
  private client(): Promise<Anthropic> {
    const c = this.deps.settings.client;
    this.sdk ??= import('@anthropic-ai/sdk').then(
      ({ default: Sdk }) =>
        new Sdk({ apiKey: this.deps.apiKey, baseURL: c.baseUrl, timeout: c.timeoutSeconds * 1000, maxRetries: c.maxRetries, logLevel: 'off' }),
    );
    return this.sdk;
  }

  /** The exact body sent for `req` (also what --dry-run prints). */
  params(req: LlmRequest): MessageCreateParamsNonStreaming {
    const c = this.deps.settings.client;
    const last = req.system.length - 1;
    const system: TextBlockParam[] = req.system.map((text, i) => ({
      type: 'text',
      text,
      ...(c.promptCaching && i === last ? { cache_control: { type: 'ephemeral', ttl: '1h' } } : {}),
    }));
    return {
      model: req.model,
      max_tokens: this.deps.settings.maxTokens,
      system,
      messages: [{ role: 'user', content: req.user }],
      output_config: { effort: c.effort, format: { type: 'json_schema', schema: zodOutputFormat(req.schema).schema } },
      ...(c.thinking === 'adaptive' ? { thinking: { type: 'adaptive' } } : {}),
    };
  }

  /** Input tokens of `req`: the API's count_tokens, or the local estimate when it is unreachable. */
  async countTokens(req: LlmRequest): Promise<TokenCount> {
    const { max_tokens: _unused, thinking: _t, ...body } = this.params(req);
    try {
      const r = await (await this.client()).messages.countTokens(body, { maxRetries: 0 });
      return { tokens: r.input_tokens, source: 'api' };
    } catch (err) {
      this.deps.log.warn({ err: toLlmError(err, 'count_tokens', false).message }, 'count_tokens failed; using the local estimate');
      return { tokens: estimateTokens(JSON.stringify(body)), source: 'estimate' };
    }
  }

  async call(req: LlmRequest): Promise<LlmAnswer> {
    const params = this.params(req);
    const body = JSON.stringify(params);
    this.refuseSecrets(body, req);
    const counted = await this.countTokens(req);
    const what = `${req.step} call to ${req.model}`;
    if (counted.tokens > req.maxInputTokens)
      throw new LlmError('prompt_too_long', `${what} would send ${counted.tokens} input tokens (${counted.source}); the bound is ${req.maxInputTokens}`);
    this.checkBudget(req, counted.tokens);
    const message = await this.send(params, what);
    const usage = usageFigures(message.usage);
    const costUsd = callCostUsd(priceOf(this.deps.settings.prices, req.model), usage);
    this.deps.usage.recordTokenUsage({
      time: this.deps.clock.now(),
      cycleId: req.cycleId,
      model: req.model,
      purpose: req.step,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cacheReadTokens: usage.cacheReadTokens,
      cacheWriteTokens: usage.cacheWrite1hTokens + usage.cacheWrite5mTokens,
      costUsd,
    });
    const text = message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
    return { raw: JSON.stringify(message), text, stopReason: message.stop_reason, usage, costUsd, model: req.model, promptSha256: sha256(body) };
  }

  private checkBudget(req: LlmRequest, inputTokens: number): void {
    const worst = worstCaseUsd(priceOf(this.deps.settings.prices, req.model), inputTokens, this.deps.settings.maxTokens);
    const s = spending(this.deps.usage, this.deps.clock.now());
    const { dailyBudgetUsd: day, monthlyBudgetUsd: month } = this.deps.settings;
    const over =
      s.dayUsd + worst > day
        ? (['daily', s.dayUsd, day, 'orchestrator.dailyBudgetUsd'] as const)
        : s.monthUsd + worst > month
          ? (['monthly', s.monthUsd, month, 'orchestrator.monthlyBudgetUsd'] as const)
          : null;
    if (over) {
      const [which, spent, cap, key] = over;
      throw new LlmError(
        'over_budget',
        `${req.step} call to ${req.model} not made: $${spent.toFixed(4)} spent + up to $${worst.toFixed(4)} for this call exceeds the ${which} cap of $${cap} (${key})`,
      );
    }
  }

  private refuseSecrets(body: string, req: LlmRequest): void {
    if (this.deps.secrets.some((s) => s.length >= 8 && body.includes(s))) {
      throw new LlmError('secret_in_prompt', `${req.step} call not made: the request holds a secret value (inv. 7); the context must be built without it`);
    }
  }

  /** One call with its deadline on the injected clock (the SDK's own timeout is the same figure in real time). */
  private async send(params: MessageCreateParamsNonStreaming, what: string): Promise<Message> {
    const abort = new AbortController();
    let timedOut = false;
    const timer = this.deps.clock.setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, this.deps.settings.client.timeoutSeconds * 1000);
    try {
      return await (await this.client()).messages.create(params, { signal: abort.signal });
    } catch (err) {
      throw toLlmError(err, what, timedOut);
    } finally {
      this.deps.clock.clearTimeout(timer);
    }
  }
}
