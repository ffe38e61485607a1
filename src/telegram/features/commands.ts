/** The composer of one group of commands: every operation of the group, by its name and aliases. */
import { Composer } from 'grammy';
import type { Operation, OperationGroup } from '../../control/operation.ts';
import { operations } from '../../control/registry.ts';
import type { BotContext } from '../context.ts';

export type RunCommand = (ctx: BotContext, op: Operation) => void;

export function groupComposer(group: OperationGroup, run: RunCommand): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  for (const op of operations.filter((o) => o.group === group)) composer.command([op.name, ...(op.aliases ?? [])], (ctx) => run(ctx, op));
  return composer;
}
