/**
 * The `brain` command registry: one file per command in this folder, one line per command here.
 * `brain help` lists them in this order.
 */
import type { Command } from '../command.ts';
import { help } from './help.ts';
import { config } from './config.ts';
import { run } from './run.ts';
import { backtest } from './backtest.ts';
import { data } from './data.ts';
import { sim } from './sim.ts';
import { strategy } from './strategy.ts';
import { demo } from './demo.ts';
import { evolveCommand } from './evolve.ts';
import { ledgerCommand } from './ledger.ts';
import { papertestCommand, promoteCommand, rollbackCommand } from './evolution-control.ts';

export const commands: Command[] = [
  help,
  config,
  run,
  sim,
  backtest,
  data,
  strategy,
  demo,
  evolveCommand,
  ledgerCommand,
  papertestCommand,
  promoteCommand,
  rollbackCommand,
];
