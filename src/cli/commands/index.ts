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
import { audit } from './audit.ts';
import { backup, restore } from './backup.ts';
import { orchestrate } from './orchestrate.ts';
import { observationsCommand, thoughts } from './thoughts.ts';
import { breaker } from './breaker.ts';
import { ctl } from './ctl.ts';
import { evolveCommand } from './evolve.ts';
import { ledgerCommand } from './ledger.ts';
import { papertestCommand, promoteCommand, rollbackCommand } from './evolution-control.ts';
import { workerCommand } from './worker.ts';

export const commands: Command[] = [
  help,
  config,
  run,
  sim,
  backtest,
  data,
  strategy,
  orchestrate,
  thoughts,
  observationsCommand,
  breaker,
  ctl,
  demo,
  audit,
  backup,
  restore,
  evolveCommand,
  ledgerCommand,
  papertestCommand,
  promoteCommand,
  rollbackCommand,
  workerCommand,
];
