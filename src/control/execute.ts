/**
 * Running one operation for a caller, the same way for Telegram and the CLI: look the name up, check the
 * role, parse the arguments, check that it can run now, ask for a confirmation when it is dangerous,
 * run it, and write one audit row with who, what, the arguments and the outcome. Bad input is a short
 * refusal and nothing runs; an operation that throws is logged and answered as a failure.
 */
import type { Logger } from 'pino';
import { closest } from '../config/index.ts';
import type { AuditEntry } from '../db/index.ts';
import { allows, type Caller, type ControlDeps, type Operation } from './operation.ts';
import { findOperation, operations } from './registry.ts';
import { refused, type Reply } from './reply.ts';

export interface Request {
  name: string;
  words: readonly string[];
  caller: Caller;
  /** The caller already confirmed (a pressed button, `--yes`). */
  confirmed: boolean;
}

export type Execution =
  | { kind: 'reply'; op: Operation | null; reply: Reply }
  /** Dangerous: nothing ran; ask `question` and run again with confirmed: true. */
  | { kind: 'confirm'; op: Operation; question: string };

export interface ExecuteOptions {
  audit?: (entry: AuditEntry) => void;
  log?: Logger;
  /** How commands are written in refusals: '/' in Telegram, 'brain ctl ' in the CLI. */
  prefix?: string;
}

function unknown(name: string, prefix: string): Reply {
  const names = operations.flatMap((op) => [op.name, ...(op.aliases ?? [])]);
  const guess = closest(name, names);
  return refused('unknown', `Unknown command ${prefix}${name}${guess ? ` — did you mean ${prefix}${guess}?` : '.'} ${prefix}help lists them.`);
}

async function decide(deps: ControlDeps, req: Request, op: Operation | undefined, o: ExecuteOptions): Promise<Execution> {
  const prefix = o.prefix ?? '/';
  if (!op) return { kind: 'reply', op: null, reply: unknown(req.name, prefix) };
  const forbidden = (what: string): Execution => ({
    kind: 'reply',
    op,
    reply: refused('forbidden', `${prefix}${what} needs the admin role; you are a viewer. ${prefix}help lists yours.`),
  });
  if (!allows(req.caller.role, op.role)) return forbidden(op.name);
  const parsed = op.args.parse(req.words);
  if (!parsed.ok)
    return {
      kind: 'reply',
      op,
      reply: refused('invalid', `${prefix}${op.name}: ${parsed.error}. Usage: ${prefix}${op.name}${op.args.usage ? ` ${op.args.usage}` : ''}`),
    };
  const needed = op.roleFor?.(parsed.value) ?? op.role;
  if (!allows(req.caller.role, needed)) return forbidden([op.name, ...req.words].join(' '));
  const blocked = op.precheck?.(deps, parsed.value);
  if (blocked) return { kind: 'reply', op, reply: blocked };
  const question = req.confirmed ? null : (op.confirm?.(parsed.value, deps) ?? null);
  if (question) return { kind: 'confirm', op, question };
  try {
    return { kind: 'reply', op, reply: await op.run(deps, parsed.value, req.caller) };
  } catch (err) {
    o.log?.error({ err, command: op.name, who: req.caller.who }, 'command failed');
    return { kind: 'reply', op, reply: refused('error', `${prefix}${op.name} failed: ${err instanceof Error ? err.message : String(err)}`) };
  }
}

export async function execute(deps: ControlDeps, req: Request, o: ExecuteOptions = {}): Promise<Execution> {
  const op = findOperation(req.name);
  const result = await decide(deps, req, op, o);
  const outcome = result.kind === 'confirm' ? 'confirmation_asked' : result.reply.outcome;
  try {
    o.audit?.({
      time: deps.clock.now(),
      who: req.caller.who,
      what: `command.${op?.name ?? req.name.slice(0, 40)}`,
      details: { args: [...req.words], confirmed: req.confirmed, outcome },
    });
  } catch (err) {
    // A lost audit row is logged; the operator's command already ran and must still get its answer.
    o.log?.error({ err, command: req.name }, 'audit write failed');
  }
  return result;
}
