/**
 * /mode: which trading mode runs and which config layer set it (anyone); /mode paper|live (admins, with a
 * confirmation) records the operator's request in mode_requests and restarts the daemon gracefully into
 * it (exit 75; systemd and Docker start it again). At boot the newest request is a config layer above the
 * environment and below the flags (src/daemon/boot-config.ts), so a --mode flag on the server still wins —
 * and a request it would override is refused here rather than recorded for nothing.
 */
import type { TradingMode } from '../../db/mode-requests.repo.ts';
import { args, choice } from '../args.ts';
import { utc } from '../format.ts';
import { operation, type ControlDeps } from '../operation.ts';
import { done, fields, refused, text, title, type Reply } from '../reply.ts';
import { repos } from './common.ts';

const MODE = choice('mode', ['paper', 'live'] as const);

function missingKeys(deps: ControlDeps): string[] {
  const s = deps.config.secrets;
  return [...(s.krakenApiKey ? [] : ['KRAKEN_API_KEY']), ...(s.krakenApiSecret ? [] : ['KRAKEN_API_SECRET'])];
}

/** Why `to` cannot be recorded now, or null. Nothing is changed by a refusal. */
function refusal(deps: ControlDeps, to: TradingMode): Reply | null {
  const port = deps.mode;
  if (!port) return refused('unavailable', 'The trading mode cannot be changed from here. Nothing was changed.');
  const running = port.running;
  if (running?.source.startsWith('flag')) {
    return refused(
      'refused',
      `The daemon runs in ${running.mode} mode from ${running.source}, and a flag wins over a recorded request: change the command line on the server (systemctl edit trading-brain) instead. Nothing was changed.`,
    );
  }
  const current = running?.mode ?? port.requested()?.mode ?? deps.config.mode;
  if (current === to) return refused('unchanged', `Already ${to} mode${running ? ` (set by ${running.source})` : ''}. Nothing was changed.`);
  const missing = missingKeys(deps);
  if (to === 'live' && missing.length > 0) {
    return refused(
      'refused',
      `Live mode needs KRAKEN_API_KEY and KRAKEN_API_SECRET in the daemon's environment or .env; ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set. Nothing was changed: the daemon stays in ${current} mode.`,
    );
  }
  const isolation = to === 'live' ? port.liveRefusal() : null;
  if (isolation)
    return refused(
      'refused',
      `${isolation.replace(/^live mode refused: /, 'Live mode would be refused at the restart: ')}. Nothing was changed: the daemon stays in ${current} mode.`,
    );
  const open = repos(deps).positions.open();
  if (open.length > 0) {
    return refused(
      'refused',
      `${open.length} position${open.length > 1 ? 's are' : ' is'} open (${[...new Set(open.map((p) => p.pair))].join(', ')}): a position belongs to the mode that opened it. Close them first (/forceexit all), then switch. Nothing was changed.`,
    );
  }
  return null;
}

export const mode = operation({
  name: 'mode',
  group: 'control',
  role: 'viewer',
  summary: 'The trading mode and what set it; /mode paper|live (admin) switches it: recorded, then the daemon restarts into it',
  args: args({ to: { usage: `[${MODE.usage}]`, schema: MODE.schema.optional() } }),
  roleFor: (a) => (a.to ? 'admin' : 'viewer'),
  precheck: (deps, a) => (a.to ? refusal(deps, a.to) : null),
  confirm: (a, deps) => {
    if (!a.to) return null;
    const restart = deps.lifecycle
      ? 'The daemon records it and restarts now (open orders are reconciled at the start).'
      : 'No daemon runs: it applies at the next start.';
    return a.to === 'live'
      ? `Switch to LIVE trading: real orders with real money on Kraken, under the risk limits in config/risk_limits.toml? ${restart}`
      : `Switch to paper trading (simulated fills, no orders on Kraken)? ${restart}`;
  },
  async run(deps, a, caller) {
    const port = deps.mode;
    if (!a.to) {
      const req = port?.requested() ?? null;
      return done(
        title('Trading mode'),
        fields([
          ['running', port?.running ? `${port.running.mode} (set by ${port.running.source})` : 'no daemon runs'],
          ['recorded request', req ? `${req.mode} by ${req.requestedBy} at ${utc(req.requestedAt)}` : 'none (the config decides)'],
        ]),
        text('Precedence: defaults < settings.toml < environment < recorded request (/mode) < flags.'),
      );
    }
    const req = port!.record(a.to, caller.who);
    if (!deps.lifecycle) return done(text(`Recorded: ${req.mode} mode from the next start of the daemon (${utc(req.requestedAt)}, by ${req.requestedBy}).`));
    deps.lifecycle.requestRestart(caller.who);
    return done(
      text(
        `Recorded: ${req.mode} mode. Restarting now: scanners stop, the breaker persists, and the daemon comes back in ${req.mode} mode (systemd or Docker start it again; /mode shows it).`,
      ),
    );
  },
});
