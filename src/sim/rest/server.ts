/**
 * The REST v0 router: GET /0/public/<Method>, POST /0/private/<Method> (form body, API-Key/API-Sign),
 * the `{"error":[…],"result":…}` envelope on HTTP 200, and the request faults (5xx/HTML pages, API
 * errors, lost or delayed answers after the call ran).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from '../context.ts';
import type { RequestFault } from '../faults.ts';
import type { RestResult } from './envelope.ts';
import { privateHandlers } from './private.ts';
import { publicHandlers } from './public.ts';
import { BrainError } from '../../contract/errors.ts';

const MAX_BODY = 64 * 1024;

function htmlPage(status: number): string {
  return (
    `<!DOCTYPE html>\n<html><head><title>${status} | api.kraken.com | Cloudflare</title></head>` +
    `<body><h1>Error ${status}</h1><p>The web server reported an error.</p><p>Cloudflare Ray ID: 7d2f3e1a9b8c4d5e</p></body></html>\n`
  );
}

function send(res: ServerResponse, status: number, body: string, type: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function envelope(r: RestResult): string {
  return JSON.stringify('error' in r ? { error: [r.error] } : { error: [], result: r.result });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY)
        reject(
          new BrainError(`request body passed ${MAX_BODY} characters; the simulator reads form bodies of a few fields`, {
            domain: 'sim',
            code: 'body_too_large',
            retryable: false,
          }),
        );
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function runPrivate(ctx: SimContext, req: IncomingMessage, path: string, method: string, body: string): RestResult {
  const handler = privateHandlers[method];
  if (!handler) return { error: 'EGeneral:Unknown method' };
  const form = new URLSearchParams(body);
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const auth = ctx.auth.verify({ path, body, nonce: form.get('nonce') ?? undefined, apiKey: header('api-key'), apiSign: header('api-sign') });
  if ('error' in auth) return { error: auth.error };
  const account = ctx.engine.account(auth.key)!;
  if (!ctx.limits.chargeRest(auth.key, account.tier, method, ctx.clock.now())) return { error: 'EAPI:Rate limit exceeded' };
  return handler(ctx, auth.key, form);
}

/** Sends the answer, unless a `lose`/`delay` fault says otherwise (the call has already run). */
function deliver(ctx: SimContext, res: ServerResponse, fault: RequestFault | undefined, body: string): void {
  if (fault?.kind === 'lose') {
    res.socket?.destroy();
    return;
  }
  if (fault?.kind === 'delay') {
    ctx.clock.setTimeout(() => send(res, 200, body, 'application/json'), fault.ms);
    return;
  }
  send(res, 200, body, 'application/json');
}

export async function handleRest(ctx: SimContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (ctx.faults.isDark()) {
    req.socket.destroy();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const match = /^\/0\/(public|private)\/([A-Za-z]+)$/.exec(url.pathname);
  if (!match) return send(res, 404, htmlPage(404), 'text/html');
  const [, scope, method] = match as unknown as [string, 'public' | 'private', string];
  const body = req.method === 'POST' ? await readBody(req) : '';
  const fault = ctx.faults.take(method);
  ctx.log.debug({ method, scope, fault: fault?.kind }, 'rest request');
  if (fault?.kind === 'http') return send(res, fault.status, fault.html ? htmlPage(fault.status) : '', fault.html ? 'text/html' : 'text/plain');
  if (fault?.kind === 'api') return send(res, 200, envelope({ error: fault.error }), 'application/json');
  const run = () => answer(ctx, req, res, { url, scope, method, body }, fault);
  if (fault?.kind === 'hold') ctx.clock.setTimeout(run, fault.ms);
  else run();
}

interface Call {
  url: URL;
  scope: 'public' | 'private';
  method: string;
  body: string;
}

/** Runs the call and answers it (a `lose`/`delay` fault applies to the answer). */
function answer(ctx: SimContext, req: IncomingMessage, res: ServerResponse, { url, scope, method, body }: Call, fault: RequestFault | undefined): void {
  let result: RestResult;
  if (scope === 'public') {
    const handler = publicHandlers[method];
    const params = req.method === 'POST' ? new URLSearchParams(body) : url.searchParams;
    result = handler ? handler(ctx, params) : { error: 'EGeneral:Unknown method' };
  } else if (req.method !== 'POST') {
    result = { error: 'EGeneral:Invalid arguments' };
  } else {
    result = runPrivate(ctx, req, url.pathname, method, body);
  }
  if ('error' in result) ctx.log.info({ method, error: result.error }, 'rest error');
  deliver(ctx, res, fault, envelope(result));
}
