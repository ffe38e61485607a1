/**
 * `brain breaker status|resume|halt` (issue 12 point 7): the circuit breaker from the shell. With the
 * daemon running it goes over the control socket as one event to the supervisor; with the daemon stopped
 * the persisted breaker is changed under the single-instance lock and the next start resumes from it.
 */
import { CONFIG_FLAGS_USAGE, UsageError, type Command } from '../command.ts';
import { runOperation, splitWords } from './ctl.ts';

const ACTIONS = { status: 'breaker', resume: 'resetbreaker', halt: 'halt' } as const;

export const breaker: Command = {
  name: 'breaker',
  usage: `usage: brain breaker status|resume|halt [--yes] [config flags]
  status                   level, reason, since when, losing streak and how it resumes
  resume --yes             lift a halted breaker: refused while a hard limit (daily loss, drawdown) still
                           holds; the losing streak restarts from 0
  halt                     no new entries from now on; exits still pass

With the daemon running the command goes to it (control.socketPath); with it stopped, the breaker stored
in the database is changed under the single-instance lock, and the next start resumes from it.

${CONFIG_FLAGS_USAGE}`,
  async run(args, io) {
    const { words, flags } = splitWords(args);
    const [action, ...extra] = words;
    if (action === undefined || !(action in ACTIONS)) throw new UsageError(`expected status, resume or halt, got "${action ?? ''}"`);
    if (extra.length > 0) throw new UsageError(`breaker ${action} takes no arguments, got "${extra.join(' ')}"`);
    return runOperation(io, ACTIONS[action as keyof typeof ACTIONS], [], flags, `brain breaker ${action}`);
  },
};
