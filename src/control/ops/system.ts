/** The daemon itself: /health, /version, /logs, /config. */
import { BREAKER_MACHINE_VERSION } from '../../../machines/breaker.machine.ts';
import { POSITION_MACHINE_VERSION } from '../../../machines/position.machine.ts';
import { SUPERVISOR_MACHINE_VERSION } from '../../../machines/supervisor.machine.ts';
import { maskSecrets } from '../../config/index.ts';
import { describeError } from '../../contract/errors.ts';
import type { ComponentHealth } from '../../health/readiness.ts';
import { args, int } from '../args.ts';
import { duration, utc } from '../format.ts';
import { operation } from '../operation.ts';
import { lastScanAt } from '../queries.ts';
import { code, done, fields, refused, text, title } from '../reply.ts';
import { feedWords, live } from './common.ts';
import { activeStrategy } from './evolution.ts';

/** The webhook's last check as /health shows it: the verdict, its code when degraded, and when it was checked. */
function webhookLine(h: ComponentHealth | null, bot: boolean): string {
  if (!bot) return 'no bot';
  if (!h) return 'none (long polling)';
  const when = h.checkedAt === null ? 'not checked yet' : `checked ${utc(h.checkedAt)}`;
  return h.status === 'ok' ? `ok: ${h.detail} (${when})` : `DEGRADED [${h.code}] ${h.detail} (${when})`;
}

export const health = operation({
  name: 'health',
  group: 'status',
  role: 'viewer',
  summary: 'Is it alive: state, feed, last scan, uptime, Telegram backlog and webhook',
  args: args({}),
  async run(deps) {
    const v = live(deps);
    const scan = lastScanAt(deps.db);
    const wall = deps.clock.now();
    return done(
      title('Health'),
      fields([
        ['daemon', v ? v.state : 'not running'],
        ['feed', v ? feedWords(v) : '-'],
        ['market time', v ? utc(v.now) : '-'],
        ['last scan', scan === null ? 'none yet' : utc(scan)],
        ['up', deps.about.startedAt === null ? '-' : `${duration(wall - deps.about.startedAt)} (pid ${deps.about.pid})`],
        ['telegram outbox', deps.outboxBacklog ? `${deps.outboxBacklog()} waiting` : 'no bot'],
        ['telegram webhook', webhookLine(deps.telegramWebhook?.() ?? null, deps.telegramWebhook !== null)],
        ['last error', v?.error ? describeError(v.error) : '-'],
      ]),
    );
  },
});

export const version = operation({
  name: 'version',
  group: 'status',
  role: 'viewer',
  summary: 'Versions: the daemon, Node, the active strategy, the machines',
  args: args({}),
  async run(deps) {
    const active = activeStrategy(deps)?.version;
    return done(
      title('Version'),
      fields([
        ['trading brain', deps.about.version],
        ['node', process.version],
        ['strategy', active ? `${active.label} (${active.id})` : 'none deployed'],
        ['machines', `supervisor ${SUPERVISOR_MACHINE_VERSION}, breaker ${BREAKER_MACHINE_VERSION}, position ${POSITION_MACHINE_VERSION}`],
        ['mode', deps.config.mode],
      ]),
    );
  },
});

export const logs = operation({
  name: 'logs',
  group: 'status',
  role: 'viewer',
  summary: 'The last n log lines (default 20)',
  args: args({ n: int('n', 1, 200, 20) }),
  async run(deps, { n }) {
    if (!deps.logs) return refused('unavailable', 'The log tail lives in the running daemon; on the server: journalctl -u brain -n 50.');
    const lines = deps.logs.lines(n);
    return done(title(`Last ${lines.length} log lines`), lines.length > 0 ? code(lines.join('\n')) : text('Nothing logged yet.'));
  },
});

export const config = operation({
  name: 'config',
  group: 'status',
  role: 'viewer',
  summary: 'The settings that shape trading (secrets shown only as set / not set)',
  args: args({}),
  async run(deps) {
    const c = maskSecrets(deps.config);
    const t = c.telegram;
    const notified = Object.entries(t.notifications)
      .filter(([, level]) => level !== 'off')
      .map(([k, level]) => `${k}${level === 'silent' ? ' (silent)' : ''}`);
    return done(
      title('Config'),
      fields([
        ['mode', c.mode],
        ['pairs', c.pairs.join(', ')],
        ['timeframe', c.market.timeframe],
        [
          'risk',
          Object.entries(c.risk)
            .map(([k, v]) => `${k} ${String(v)}`)
            .join(', '),
        ],
        ['orchestrator', c.orchestrator.enabled ? `on, ${c.orchestrator.schedule} UTC, $${c.orchestrator.dailyBudgetUsd}/day` : 'off'],
        ['telegram', `${t.admins.length} admin(s), ${t.viewers.length} viewer(s), confirmations ${t.confirmTtlSeconds} s`],
        ['notifications', notified.join(', ') || 'none'],
        [
          'secrets',
          Object.entries(c.secrets)
            .map(([k, v]) => `${k} ${v}`)
            .join(', '),
        ],
      ]),
    );
  },
});
