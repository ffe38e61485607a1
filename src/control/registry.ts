/**
 * Every operator operation, in the order /help lists them, and /help itself, generated from the
 * definitions (name, arguments, summary, role). The Telegram features and `brain ctl` read this list.
 */
import { NO_ARGS } from './args.ts';
import { GROUP_TITLES, allows, operation, type Operation, type OperationGroup, type Role } from './operation.ts';
import { breaker, halt, resetBreaker } from './ops/breaker.ts';
import { forceExit, kill, pause, resume, stop } from './ops/control.ts';
import { mode } from './ops/mode.ts';
import { cancelPaperTest, candidates, diff, evolve, ledger, papertests, promote, rollback, startPaperTest, strategy, versions } from './ops/evolution.ts';
import { fees, pairs, risk, signals } from './ops/market.ts';
import { budget, night, observations, thought, thoughts } from './ops/orchestrator.ts';
import { daily, monthly, performance, profit, stats, weekly } from './ops/performance.ts';
import { chart, report } from './ops/reports.ts';
import { balance, count, order, positions, status, trades } from './ops/status.ts';
import { config, health, logs, version } from './ops/system.ts';
import { done, text, title } from './reply.ts';

const OPERATIONS: Operation[] = [
  status,
  positions,
  trades,
  order,
  count,
  balance,
  profit,
  performance,
  daily,
  weekly,
  monthly,
  stats,
  signals,
  pairs,
  fees,
  risk,
  breaker,
  health,
  version,
  logs,
  config,
  pause,
  resume,
  stop,
  kill,
  forceExit,
  resetBreaker,
  halt,
  mode,
  strategy,
  versions,
  diff,
  promote,
  rollback,
  candidates,
  ledger,
  papertests,
  startPaperTest,
  cancelPaperTest,
  night,
  thoughts,
  thought,
  observations,
  budget,
  evolve,
  report,
  chart,
];

const GROUPS = Object.keys(GROUP_TITLES) as OperationGroup[];

/** One line per operation: `/name args — summary`, admin-only ones marked for viewers. */
export function helpLines(ops: readonly Operation[], role: Role, prefix = '/'): string[] {
  return GROUPS.flatMap((g) => {
    const inGroup = ops.filter((op) => op.group === g);
    if (inGroup.length === 0) return [];
    const lines = inGroup.map((op) => {
      const names = [op.name, ...(op.aliases ?? [])].map((n) => `${prefix}${n}`).join(' ');
      const admin = allows(role, op.role) ? '' : ' (admin)';
      return `${names}${op.args.usage ? ` ${op.args.usage}` : ''} — ${op.summary}${op.confirm ? ' [asks to confirm]' : ''}${admin}`;
    });
    return [`${GROUP_TITLES[g]}:`, ...lines, ''];
  });
}

export const help = operation({
  name: 'help',
  aliases: ['start'],
  group: 'status',
  role: 'viewer',
  summary: 'This list',
  args: NO_ARGS,
  async run(_deps, _a, caller) {
    const intro = caller.role === 'admin' ? 'You are an admin: every command is yours.' : 'You are a viewer: read-only commands; (admin) marks the others.';
    return done(title('Trading Brain commands'), text(intro), text(helpLines(OPERATIONS, caller.role).join('\n').trimEnd()));
  },
});

/** Every operation, /help included. */
export const operations: readonly Operation[] = [...OPERATIONS, help];

/** The operation named `name` (or one of its aliases), case-insensitive. */
export function findOperation(name: string, ops: readonly Operation[] = operations): Operation | undefined {
  const n = name.toLowerCase();
  return ops.find((op) => op.name === n || op.aliases?.includes(n));
}
