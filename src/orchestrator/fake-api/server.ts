/**
 * A loopback Anthropic Messages API for tests, the demo and the bench (DESIGN "Offline by design"): the
 * SDK's baseURL points here and the real client code runs. It speaks the wire protocol of POST
 * /v1/messages and /v1/messages/count_tokens: structured output as a text block, usage with the cache
 * counters (prompt-cache.ts), max_tokens truncation with stop_reason 'max_tokens', the error bodies and
 * retry-after headers of 400/401/404/429/500/529, and slow replies held on the injected clock. Every
 * request is recorded as received, so a test can scan them (no secret ever leaves, inv. 7).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Clock } from '../../clock/clock.ts';
import { fakeTokens, PromptCache } from './prompt-cache.ts';
import { invalidRequest, promptBlocks, type MessagesBody } from './request.ts';
import { DEFAULT_ERROR_MESSAGES, ERROR_TYPES, type ErrorStatus, type FakeReply } from './script.ts';

export interface FakeAnthropicOptions {
  apiKey: string;
  clock: Clock;
  /** Smallest cacheable prefix per model (default 1024 tokens). */
  minCacheableTokens?: (model: string) => number;
}

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface FakeAnthropic {
  readonly baseURL: string;
  /** Every request in arrival order, bodies as sent. */
  readonly requests: ReceivedRequest[];
  /** Queues replies for the next /v1/messages calls. */
  enqueue(...replies: FakeReply[]): void;
  /** Replies still queued (a test that scripted too many sees them here). */
  pending(): number;
  /** Makes count_tokens answer this status instead (null: answer normally). */
  failCountTokens(status: ErrorStatus | null): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendError(res: ServerResponse, status: ErrorStatus, message: string, retryAfterSeconds?: number): void {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': `req_fake_${status}` };
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
  res.writeHead(status, headers).end(JSON.stringify({ type: 'error', error: { type: ERROR_TYPES[status], message }, request_id: headers['request-id'] }));
}

function sendJson(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_fake_ok' }).end(JSON.stringify(body));
}

/** Cuts `text` to at most `tokens` fake tokens. */
function truncate(text: string, tokens: number): string {
  return Buffer.from(text, 'utf8')
    .subarray(0, Math.max(0, tokens) * 4)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
}

export async function startFakeAnthropic(o: FakeAnthropicOptions): Promise<FakeAnthropic> {
  const cache = new PromptCache(o.clock, o.minCacheableTokens ?? (() => 1024));
  const requests: ReceivedRequest[] = [];
  const queue: FakeReply[] = [];
  let countTokensStatus: ErrorStatus | null = null;
  let seq = 0;

  const wait = (ms: number) => new Promise<void>((resolve) => (ms > 0 ? o.clock.setTimeout(() => resolve(), ms) : resolve()));

  function answer(body: MessagesBody, r: Extract<FakeReply, { kind: 'answer' }>): unknown {
    const model = body.model as string;
    const usage = cache.use(model, promptBlocks(body));
    const thinkingTokens = r.thinkingTokens ?? 0;
    const maxTokens = body.max_tokens as number;
    const full = fakeTokens(r.text) + thinkingTokens;
    const cut = full > maxTokens;
    const text = cut ? truncate(r.text, maxTokens - thinkingTokens) : r.text;
    const content = [
      ...(r.thinking && body.thinking?.type === 'adaptive' ? [{ type: 'thinking', thinking: r.thinking, signature: `sig_fake_${seq}` }] : []),
      { type: 'text', text, citations: null },
    ];
    seq += 1;
    return {
      id: `msg_fake_${String(seq).padStart(4, '0')}`,
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason: cut ? 'max_tokens' : (r.stopReason ?? 'end_turn'),
      stop_sequence: null,
      stop_details: null,
      container: null,
      diagnostics: null,
      usage: {
        input_tokens: usage.input,
        output_tokens: cut ? maxTokens : full,
        cache_creation_input_tokens: usage.write,
        cache_read_input_tokens: usage.read,
        cache_creation: { ephemeral_1h_input_tokens: usage.write1h, ephemeral_5m_input_tokens: usage.write5m },
        output_tokens_details: { thinking_tokens: thinkingTokens },
        server_tool_use: null,
        service_tier: 'standard',
        inference_geo: null,
        speed: null,
      },
    };
  }

  async function messages(body: MessagesBody, res: ServerResponse): Promise<void> {
    const r = queue.shift() ?? reply500('the fake Messages API has no scripted reply left: enqueue one per model call');
    await wait(r.delayMs ?? 0);
    if (res.destroyed) return;
    if (r.kind === 'error') return sendError(res, r.status, r.message ?? DEFAULT_ERROR_MESSAGES[r.status], r.retryAfterSeconds);
    sendJson(res, answer(body, r));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    const path = (req.url ?? '').split('?')[0]!;
    requests.push({ path, headers, body: raw });
    const key = headers['x-api-key'] || (headers['authorization'] ?? '').replace(/^Bearer /, '');
    if (key !== o.apiKey) return sendError(res, 401, DEFAULT_ERROR_MESSAGES[401]);
    if (!headers['anthropic-version']) return sendError(res, 400, 'anthropic-version: header is required');
    let body: MessagesBody;
    try {
      body = JSON.parse(raw) as MessagesBody;
    } catch {
      return sendError(res, 400, 'There was an issue with the format of your request: the body is not JSON');
    }
    if (req.method !== 'POST' || (path !== '/v1/messages' && path !== '/v1/messages/count_tokens'))
      return sendError(res, 404, `Not found: ${req.method} ${path}`);
    const counting = path.endsWith('/count_tokens');
    const invalid = invalidRequest(body, !counting);
    if (invalid) return sendError(res, 400, invalid);
    if (!counting) return messages(body, res);
    if (countTokensStatus) return sendError(res, countTokensStatus, DEFAULT_ERROR_MESSAGES[countTokensStatus]);
    sendJson(res, { input_tokens: promptBlocks(body).reduce((s, b) => s + b.tokens, 0) });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, 500, 'fake handler failed');
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
  return {
    baseURL: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...replies) => void queue.push(...replies),
    pending: () => queue.length,
    failCountTokens: (status) => void (countTokensStatus = status),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reply500(message: string): FakeReply {
  return { kind: 'error', status: 500, message };
}
