/**
 * /mode: which trading mode runs and which config layer set it (anyone); /mode paper|live (admins, with a
 * confirmation) records the operator's request in mode_requests and restarts the daemon gracefully into
 * it (exit 75; systemd and Docker start it again). At boot the newest request is a config layer above the
 * environment and below the flags (src/daemon/boot-config.ts), so a --mode flag on the server still wins —
 * and a request it would override is refused here rather than recorded for nothing. /mode config clears the
 * request (a row of its own, so the history stays) and the configuration decides again.
 */
import { isRequestSource, recordedMode, type ModeChoice } from '../../db/mode-requests.repo.ts';
import { args, choice } from '../args.ts';
import { utc } from '../format.ts';
import { operation, type ControlDeps } from '../operation.ts';
import { done, fields, refused, text, title, type Reply } from '../reply.ts';
import { repos } from './common.ts';

const MODE = choice('mode', ['paper', 'live', 'config'] as const);

function missingKeys(deps: ControlDeps): string[] {
  const s = deps.config.secrets;
  return [...(s.krakenApiKey ? [] : ['KRAKEN_API_KEY']), ...(s.krakenApiSecret ? [] : ['KRAKEN_API_SECRET'])];
}

const openPositionsRefusal = (deps: ControlDeps): Reply | null => {
  const open = repos(deps).positions.open();
  if (open.length === 0) return null;
  return refused(
    'refused',
    `${open.length} position${open.length > 1 ? 's are' : ' is'} open (${[...new Set(open.map((p) => p.pair))].join(', ')}): a position belongs to the mode that opened it. Close them first (/forceexit all), then switch. Nothing was changed.`,
  );
};

/** Whether the running daemon's mode came from the recorded request (so clearing it may change the mode). */
const runsOnRequest = (deps: ControlDeps): boolean => isRequestSource(deps.mode?.running?.source ?? '');

/** Why clearing the request cannot be recorded now, or null. */
function clearRefusal(deps: ControlDeps): Reply | null {
  if (!recordedMode(deps.mode!.requested()))
    return refused('unchanged', 'No request is recorded: the configuration decides the mode already. Nothing was changed.');
  return runsOnRequest(deps) ? openPositionsRefusal(deps) : null;
}

/** Why `to` cannot be recorded now, or null. Nothing is changed by a refusal. */
function refusal(deps: ControlDeps, to: ModeChoice): Reply | null {
  const port = deps.mode;
  if (!port) return refused('unavailable', 'The trading mode cannot be changed from here. Nothing was changed.');
  const running = port.running;
  if (running?.source.startsWith('flag')) {
    return refused(
      'refused',
      `The daemon runs in ${running.mode} mode from ${running.source}, and a flag wins over a recorded request: change the command line on the server (systemctl edit trading-brain) instead. Nothing was changed.`,
    );
  }
  if (to === 'config') return clearRefusal(deps);
  const current = running?.mode ?? recordedMode(port.requested())?.mode ?? deps.config.mode;
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
  return openPositionsRefusal(deps);
}

/** /mode config: the request is cleared; a daemon running on it restarts so the configuration decides. */
function clearRequest(deps: ControlDeps, who: string): Reply {
  const req = deps.mode!.record('config', who);
  if (!deps.lifecycle || !runsOnRequest(deps))
    return done(text(`Cleared (${utc(req.requestedAt)}, by ${req.requestedBy}): from the next start the configuration decides the mode.`));
  deps.lifecycle.requestRestart(who);
  return done(text('Cleared: the recorded request no longer applies. Restarting now, in the mode the configuration gives (/mode shows it).'));
}

export const mode = operation({
  name: 'mode',
  group: 'control',
  role: 'viewer',
  summary:
    'The trading mode and what set it; /mode paper|live (admin) switches it: recorded, then the daemon restarts into it; /mode config clears the request',
  args: args({ to: { usage: `[${MODE.usage}]`, schema: MODE.schema.optional() } }),
  roleFor: (a) => (a.to ? 'admin' : 'viewer'),
  precheck: (deps, a) => (a.to ? refusal(deps, a.to) : null),
  confirm: (a, deps) => {
    if (!a.to) return null;
    if (a.to === 'config')
      return `Clear the recorded mode so the configuration (settings.toml < environment < flags) decides again?${runsOnRequest(deps) && deps.lifecycle ? ' The daemon restarts now.' : ''}`;
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
      const recorded = !req
        ? 'none (the config decides)'
        : req.mode === 'config'
          ? `none: cleared by ${req.requestedBy} at ${utc(req.requestedAt)} (the config decides)`
          : `${req.mode} by ${req.requestedBy} at ${utc(req.requestedAt)}`;
      return done(
        title('Trading mode'),
        fields([
          ['running', port?.running ? `${port.running.mode} (set by ${port.running.source})` : 'no daemon runs'],
          ['recorded request', recorded],
        ]),
        text('Precedence: defaults < settings.toml < environment < recorded request (/mode) < flags.'),
      );
    }
    if (a.to === 'config') return clearRequest(deps, caller.who);
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
