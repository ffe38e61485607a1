/** The loopback Bot API answers as Telegram does: the wire format, offsets, long polling, limits, errors. */
import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeBotApi, type FakeBotApi } from '../../src/telegram/loopback/server.ts';

const apis: FakeBotApi[] = [];
afterEach(async () => {
  for (const a of apis.splice(0)) await a.close();
});

async function fake(): Promise<FakeBotApi> {
  const api = await startFakeBotApi();
  apis.push(api);
  return api;
}

const call = async (api: FakeBotApi, method: string, body: unknown = {}, token = api.token) => {
  const res = await fetch(`${api.url}/bot${token}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return {
    status: res.status,
    json: (await res.json()) as { ok: boolean; result?: unknown; error_code?: number; description?: string; parameters?: { retry_after?: number } },
  };
};

describe('the loopback Bot API', () => {
  it('getUpdates returns updates from the offset and forgets those below it; a command carries its bot_command entity', async () => {
    const api = await fake();
    api.userSays(7, '/status table');
    api.userSays(7, 'hi');
    const first = (await call(api, 'getUpdates', { offset: 0 })).json.result as Array<{ update_id: number; message: { text: string; entities?: unknown } }>;
    expect(first.map((u) => u.update_id)).toEqual([1, 2]);
    expect(first[0]!.message.entities).toEqual([{ type: 'bot_command', offset: 0, length: 7 }]);
    expect(((await call(api, 'getUpdates', { offset: 2 })).json.result as unknown[]).length).toBe(1);
    expect((await call(api, 'getUpdates', { offset: 0 })).json.result).toEqual([{ ...first[1] }]);
  });

  it('a long poll is answered as soon as an update arrives', async () => {
    const api = await fake();
    const poll = call(api, 'getUpdates', { offset: 1, timeout: 30 });
    await api.until(() => api.calls.some((c) => c.method === 'getUpdates'));
    api.userSays(7, '/count');
    expect(((await poll).json.result as unknown[]).length).toBe(1);
  });

  it("answers with Telegram's errors: a wrong token, a text too long, entities outside it, an unknown method, scripted 429 and 5xx", async () => {
    const api = await fake();
    expect((await call(api, 'getMe', {}, '1:wrong')).json).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });
    expect((await call(api, 'sendMessage', { chat_id: 7, text: 'x'.repeat(4097) })).json.description).toBe('Bad Request: message is too long');
    expect((await call(api, 'sendMessage', { chat_id: 7, text: 'ab', entities: [{ type: 'bold', offset: 1, length: 5 }] })).json.error_code).toBe(400);
    expect((await call(api, 'frobnicate')).json.error_code).toBe(404);
    api.fail('sendMessage', { status: 429, retryAfter: 7 });
    api.fail('sendMessage', { status: 502 });
    expect(await call(api, 'sendMessage', { chat_id: 7, text: 'x' })).toMatchObject({ status: 429, json: { parameters: { retry_after: 7 } } });
    expect((await call(api, 'sendMessage', { chat_id: 7, text: 'x' })).status).toBe(502);
    expect((await call(api, 'sendMessage', { chat_id: 7, text: 'x' })).json.ok).toBe(true);
    expect(api.sent.map((s) => s.text)).toEqual(['x']);
  });

  it("an edit must change something and target the bot's own message; a callback query is answered once", async () => {
    const api = await fake();
    const sent = (await call(api, 'sendMessage', { chat_id: 7, text: 'q', reply_markup: { inline_keyboard: [[{ text: 'ok', callback_data: 'ok:1' }]] } })).json
      .result as { message_id: number };
    expect(
      (
        await call(api, 'editMessageText', {
          chat_id: 7,
          message_id: sent.message_id,
          text: 'q',
          reply_markup: { inline_keyboard: [[{ text: 'ok', callback_data: 'ok:1' }]] },
        })
      ).json.description,
    ).toMatch(/message is not modified/);
    expect((await call(api, 'editMessageText', { chat_id: 7, message_id: sent.message_id, text: 'done' })).json.ok).toBe(true);
    const press = api.userPresses(7, 'ok:1', sent.message_id);
    expect((await call(api, 'answerCallbackQuery', { callback_query_id: press.callback_query!.id })).json.ok).toBe(true);
    expect((await call(api, 'answerCallbackQuery', { callback_query_id: press.callback_query!.id })).json.description).toMatch(/query is too old/);
  });

  it('down refuses connections and up listens again on the same address', async () => {
    const api = await fake();
    await api.down();
    await expect(fetch(`${api.url}/bot${api.token}/getMe`, { method: 'POST' })).rejects.toThrow();
    await api.up();
    expect((await call(api, 'getMe')).json.ok).toBe(true);
  });

  it('getWebhookInfo tells the webhook, the waiting updates and the last delivery error in Telegram words, kept after deliveries resume', async () => {
    let now = 1_700_000_000;
    const api = await startFakeBotApi({ nowSeconds: () => now });
    apis.push(api);
    const info = async () => (await call(api, 'getWebhookInfo')).json.result as Record<string, unknown>;
    expect(await info()).toEqual({ url: '', has_custom_certificate: false, pending_update_count: 0 });
    await call(api, 'setWebhook', { url: 'https://bot.example.test/hook', allowed_updates: ['message'] });
    api.userSays(7, '/count');
    await api.until(() => api.deliveries.length > 0);
    expect(await info()).toEqual({
      url: 'https://bot.example.test/hook',
      has_custom_certificate: false,
      pending_update_count: 1,
      max_connections: 40,
      allowed_updates: ['message'],
      last_error_date: now,
      last_error_message: 'Connection refused',
    });
    let status = 502;
    const bot = createServer((_req, res) => res.writeHead(status).end());
    await new Promise<void>((resolve) => bot.listen(0, '127.0.0.1', () => resolve()));
    now += 60;
    api.proxyTo((bot.address() as { port: number }).port);
    await api.until(() => api.deliveries.some((d) => d.outcome === 502));
    expect(await info()).toMatchObject({
      pending_update_count: 1,
      last_error_date: now,
      last_error_message: 'Wrong response from the webhook: 502 Bad Gateway',
    });
    status = 200;
    await api.until(() => api.state.waitingUpdates === 0);
    expect(await info()).toMatchObject({
      pending_update_count: 0,
      last_error_date: now,
      last_error_message: 'Wrong response from the webhook: 502 Bad Gateway',
    });
    await api.close(); // stops the deliveries before the bot's listener goes
    await new Promise<void>((resolve) => bot.close(() => resolve()));
  });
});
