/**
 * The `brain` command registry: one file per command in this folder, one entry per command here, in the
 * order `brain help` lists them. A command's module is imported only when that command runs (or its
 * usage is shown), so `brain help` or `brain config` never load the daemon, the gates' TypeScript
 * compiler or the model SDK.
 */
import type { CommandEntry } from '../command.ts';

export const commands: readonly CommandEntry[] = [
  { name: 'help', summary: "List the commands, or show one command's flags", load: async () => (await import('./help.ts')).helpFor(commands) },
  {
    name: 'config',
    summary: 'Print the effective configuration (secrets masked) and where overrides came from',
    load: async () => (await import('./config.ts')).config,
  },
  { name: 'run', summary: 'Start the daemon (npm start runs it in paper mode)', load: async () => (await import('./run.ts')).run },
  {
    name: 'sim',
    summary: 'Run the loopback Kraken simulator (REST v0 + WebSocket v2) replaying real candles',
    load: async () => (await import('./sim.ts')).sim,
  },
  {
    name: 'backtest',
    summary: 'Backtest a strategy over stored or CSV candles; stores a backtests row, writes an HTML/PNG report when asked',
    load: async () => (await import('./backtest.ts')).backtest,
  },
  { name: 'data', summary: 'Candle store: import a folder of CSV candles, or fold and prune the tiers', load: async () => (await import('./data.ts')).data },
  { name: 'strategy', summary: 'List, show, diff and submit strategy/statistics versions', load: async () => (await import('./strategy.ts')).strategy },
  {
    name: 'orchestrate',
    summary: "Run the nightly orchestrator now, or print tonight's prompts and token estimate (--dry-run)",
    load: async () => (await import('./orchestrate.ts')).orchestrate,
  },
  {
    name: 'thoughts',
    summary: "The orchestrator's nights and every model answer of one night, whole",
    load: async () => (await import('./thoughts.ts')).thoughts,
  },
  {
    name: 'observations',
    summary: 'What the orchestrator concluded, one observation per night, newest first',
    load: async () => (await import('./thoughts.ts')).observationsCommand,
  },
  {
    name: 'breaker',
    summary: 'Show, resume or halt the circuit breaker (running daemon or stopped)',
    load: async () => (await import('./breaker.ts')).breaker,
  },
  {
    name: 'ctl',
    summary: "Run one of the console's commands (the Telegram bot's) against the daemon, or the database when it is stopped",
    load: async () => (await import('./ctl.ts')).ctl,
  },
  {
    name: 'demo',
    summary: 'Run the daemon offline in paper mode on the bundled candles and print what it does',
    load: async () => (await import('./demo.ts')).demo,
  },
  {
    name: 'audit',
    summary: 'Self-audit: fills = ledger = positions = venue balances, no short, no margin, every venue order has its intent row',
    load: async () => (await import('./audit.ts')).audit,
  },
  {
    name: 'backup',
    summary: 'Copy the database now into backup.dir (safe while the daemon runs), keeping the newest backup.keep',
    load: async () => (await import('./backup.ts')).backup,
  },
  {
    name: 'restore',
    summary: 'Replace the database with a backup (refused while the daemon runs; the replaced one is kept aside)',
    load: async () => (await import('./backup.ts')).restore,
  },
  {
    name: 'evolve',
    summary: "Search the active strategy's declared parameters offline; the best candidate that passes every gate goes to a paper test",
    load: async () => (await import('./evolve.ts')).evolveCommand,
  },
  {
    name: 'ledger',
    summary: 'The candidate ledger: every candidate tried, how far it got and which gate stopped it',
    load: async () => (await import('./ledger.ts')).ledgerCommand,
  },
  { name: 'papertest', summary: 'List, show or cancel paper tests of candidates', load: async () => (await import('./evolution-control.ts')).papertestCommand },
  {
    name: 'promote',
    summary: 'Deploy a stored strategy version (id, label or ledger content hash): hot swap in a running daemon',
    load: async () => (await import('./evolution-control.ts')).promoteCommand,
  },
  {
    name: 'rollback',
    summary: 'Revert the strategy (or a statistics module) to its previous good version',
    load: async () => (await import('./evolution-control.ts')).rollbackCommand,
  },
  {
    name: 'worker',
    summary: "Judge the evolver's candidates for a daemon on another machine, from the Redis queue of evolution.redisUrl",
    load: async () => (await import('./worker.ts')).workerCommand,
  },
];
