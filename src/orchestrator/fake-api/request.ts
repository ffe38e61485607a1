/**
 * How the fake reads a /v1/messages body: the checks the real API makes that matter to us (the 400s an
 * SDK user meets: sampling parameters on models that reject them, the deprecated thinking budget, a
 * structured-output schema with an open object, too many cache breakpoints) and the body split into
 * the ordered blocks the prompt cache and the token count work on.
 */
import { fakeTokens, type PromptBlock } from './prompt-cache.ts';

export interface MessagesBody {
  model?: unknown;
  max_tokens?: unknown;
  system?: unknown;
  messages?: unknown;
  tools?: unknown;
  output_config?: { format?: { type?: string; schema?: unknown } | null; effort?: unknown } | null;
  thinking?: { type?: string } | null;
  temperature?: unknown;
  top_p?: unknown;
  top_k?: unknown;
  [k: string]: unknown;
}

type Block = Record<string, unknown> & { cache_control?: { type: string; ttl?: '5m' | '1h' } | null };

function withoutCacheControl(b: Block): string {
  const { cache_control: _drop, ...rest } = b;
  return JSON.stringify(rest);
}

function promptBlock(b: Block, tag: string): PromptBlock {
  const bytes = `${tag}:${withoutCacheControl(b)}`;
  const text = typeof b['text'] === 'string' ? b['text'] : JSON.stringify(b);
  return { bytes, tokens: fakeTokens(text), ttl: b.cache_control ? (b.cache_control.ttl ?? '5m') : null };
}

const asBlocks = (content: unknown): Block[] =>
  typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? (content as Block[]) : [];

/** The body as ordered prompt blocks (tools → system → messages), then the output schema (never cached). */
export function promptBlocks(body: MessagesBody): PromptBlock[] {
  const tools = Array.isArray(body.tools) ? (body.tools as Block[]).map((t) => promptBlock(t, 'tool')) : [];
  const system = asBlocks(body.system).map((b) => promptBlock(b, 'system'));
  const messages = (Array.isArray(body.messages) ? (body.messages as Array<{ role: string; content: unknown }>) : []).flatMap((m) =>
    asBlocks(m.content).map((b) => promptBlock(b, m.role)),
  );
  const schema = body.output_config?.format?.schema;
  const format = schema ? [{ bytes: 'format', tokens: fakeTokens(JSON.stringify(schema)), ttl: null }] : [];
  return [...tools, ...system, ...messages, ...format];
}

function openObject(schema: unknown): string | null {
  if (schema === null || typeof schema !== 'object') return null;
  const s = schema as Record<string, unknown>;
  if (s['type'] === 'object' && s['additionalProperties'] !== false) return 'every object in output_config.format.schema must set additionalProperties: false';
  for (const v of Object.values(s)) {
    const inner = Array.isArray(v) ? v.map(openObject).find((x) => x) : openObject(v);
    if (inner) return inner;
  }
  return null;
}

/** The first reason the real API would answer 400, or null. */
export function invalidRequest(body: MessagesBody, needsMaxTokens: boolean): string | null {
  if (typeof body.model !== 'string' || body.model === '') return 'model: Field required';
  if (needsMaxTokens && (typeof body.max_tokens !== 'number' || body.max_tokens < 1)) return 'max_tokens: Field required';
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: at least one message is required';
  for (const p of ['temperature', 'top_p', 'top_k'] as const) {
    if (body[p] !== undefined) return `${p} is not supported for ${body.model}; remove it (sampling is fixed for this model)`;
  }
  if (body.thinking?.type === 'enabled')
    return `thinking.type.enabled is not supported for ${body.model}; use thinking.type.adaptive with output_config.effort`;
  const breakpoints = promptBlocks(body).filter((b) => b.ttl).length;
  if (breakpoints > 4) return `A maximum of 4 blocks with cache_control may be provided. Found ${breakpoints}.`;
  return openObject(body.output_config?.format?.schema);
}
