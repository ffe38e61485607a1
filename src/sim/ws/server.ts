/**
 * The WS v2 endpoints on the REST server's port: /v2 (public) and /v2-auth (private). Parses requests,
 * answers ping, routes subscribe/unsubscribe (one ack per symbol) and trading methods, applies the
 * request faults (api error, lost or delayed answer) and the connection faults (drop, stall).
 */
import type { Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SimContext } from '../context.ts';
import type { Replay } from '../replay.ts';
import type { WsScope } from '../faults.ts';
import { WsConn, type WsKind } from './conn.ts';
import { PUBLIC_CHANNELS, PublicFeed, subscribePublic, unsubscribePublic, type Ack } from './public.ts';
import { ledgerIdSource, privateEvent, PRIVATE_CHANNELS, subscribePrivate, trade, TRADING_METHODS, type PrivateSub } from './private.ts';

const ON_PRIVATE_HOST = 'Public market data subscriptions are unavailable on this endpoint. Try ws.kraken.com';
const ON_PUBLIC_HOST = 'Private data and trading are unavailable on this endpoint. Try ws-auth.kraken.com';

interface Request {
  method?: unknown;
  params?: unknown;
  req_id?: unknown;
}

export function attachWebSockets(ctx: SimContext, server: Server, replay: Replay): { close(): Promise<void> } {
  const wss = new WebSocketServer({ noServer: true });
  const conns = new Set<WsConn>();
  const feed = new PublicFeed(ctx);
  const ledgerIds = ledgerIdSource(ctx.seed);
  const inScope = (c: WsConn, scope: WsScope) => scope === 'all' || c.kind === scope;

  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const kind: WsKind | undefined = path === '/v2' ? 'public' : path === '/v2-auth' ? 'private' : undefined;
    if (!kind || ctx.faults.isDark()) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => open(ws, kind));
  });

  function open(ws: WebSocket, kind: WsKind): void {
    const conn = new WsConn(ws, kind, ctx.clock);
    conns.add(conn);
    ctx.log.debug({ kind }, 'ws connected');
    ws.on('message', (raw) => onMessage(conn, String(raw)));
    ws.on('close', () => {
      conn.dispose();
      conns.delete(conn);
      for (const sub of conn.subscriptions.values()) {
        if (sub && typeof sub === 'object' && 'token' in sub) ctx.tokens.release((sub as PrivateSub).token, ctx.clock.now());
      }
    });
    conn.sendStatus(ctx.faults.systemStatus());
  }

  function onMessage(conn: WsConn, text: string): void {
    const timeIn = ctx.clock.now();
    let req: Request;
    try {
      req = JSON.parse(text) as Request;
    } catch {
      return conn.send({ error: 'EGeneral:Invalid arguments', success: false });
    }
    const method = typeof req.method === 'string' ? req.method : '';
    const params = (req.params && typeof req.params === 'object' ? req.params : {}) as Record<string, unknown>;
    const reply = (body: Record<string, unknown>) => conn.reply(method, req.req_id, timeIn, body);
    if (method === 'ping') return conn.reply('pong', req.req_id, timeIn, {});
    if (method === 'subscribe' || method === 'unsubscribe') return subscription(conn, method, params, reply);
    if (!TRADING_METHODS.includes(method)) return reply({ success: false, error: `Method not found ${method}` });
    if (conn.kind === 'public') return reply({ success: false, error: ON_PUBLIC_HOST });
    const key = ctx.tokens.keyOf(params.token, ctx.clock.now());
    if (!key) return reply({ success: false, error: 'ESession:Invalid session' });
    const fault = ctx.faults.take(method);
    if (fault?.kind === 'api' || fault?.kind === 'http') return reply({ success: false, error: fault.kind === 'api' ? fault.error : 'EService:Unavailable' });
    trade(ctx, key, method, params, (body) => {
      if (fault?.kind === 'lose') return;
      if (fault?.kind === 'delay') ctx.clock.setTimeout(() => reply(body), fault.ms);
      else reply(body);
    });
  }

  function subscription(conn: WsConn, method: 'subscribe' | 'unsubscribe', params: Record<string, unknown>, reply: (b: Record<string, unknown>) => void): void {
    const channel = typeof params.channel === 'string' ? params.channel : '';
    const isPrivate = PRIVATE_CHANNELS.includes(channel);
    if (!isPrivate && !PUBLIC_CHANNELS.includes(channel)) return reply({ success: false, error: `Channel ${channel} not found` });
    if (isPrivate !== (conn.kind === 'private')) return reply({ success: false, error: isPrivate ? ON_PUBLIC_HOST : ON_PRIVATE_HOST });
    if (isPrivate) {
      const key = ctx.tokens.keyOf(params.token, ctx.clock.now());
      if (!key) return reply({ success: false, error: 'ESession:Invalid session' });
      if (method === 'unsubscribe') {
        const had = conn.subscriptions.delete(channel);
        if (had) ctx.tokens.release(String(params.token), ctx.clock.now());
        return reply(had ? { success: true, result: { channel } } : { success: false, error: 'Subscription Not Found' });
      }
      conn.armHeartbeat();
      return subscribePrivate(ctx, conn, key, String(params.token), channel, params, reply);
    }
    const ack = (a: Ack) => reply('error' in a ? { success: false, ...a } : { success: true, result: a.result });
    const symbols = channel === 'instrument' ? [undefined] : Array.isArray(params.symbol) ? params.symbol.map(String) : [];
    if (symbols.length === 0) return reply({ success: false, error: 'EGeneral:Invalid arguments:symbol' });
    for (const symbol of symbols) {
      if (method === 'subscribe') subscribePublic(ctx, conn, channel, symbol, params, ack);
      else unsubscribePublic(conn, channel, symbol, params, ack);
    }
    if (method === 'subscribe') conn.armHeartbeat();
  }

  replay.onTrade((m, t) => feed.onTrade(conns, m, t));
  ctx.engine.onEvent((e) => {
    for (const conn of conns) if (conn.kind === 'private') privateEvent(conn, e, ledgerIds);
  });
  ctx.faults.attach({
    dropWs: (scope) => {
      const targets = [...conns].filter((c) => inScope(c, scope));
      targets.forEach((c) => c.ws.terminate());
      return targets.length;
    },
    darkened: () => conns.forEach((c) => c.ws.terminate()),
    setWsStalled: (scope, stalled) => conns.forEach((c) => inScope(c, scope) && (c.stalled = stalled)),
    statusChanged: (status) => conns.forEach((c) => c.sendStatus(status)),
  });

  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of conns) c.ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
