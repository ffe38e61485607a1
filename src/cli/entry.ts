/** What the `brain` executable runs, from dist/brain.mjs or from the sources through tsx (bin.mjs chooses). */
import { processIo } from './io.ts';
import { main } from './main.ts';

// Out at once when the command is done: its own work is over (it awaited what it started), stdout and
// stderr are written synchronously on Linux, and the exit Node would otherwise take tears down a heap
// the operating system frees anyway (~25 ms of every command, a warm brain backtest's 3 %).
process.exit(await main(process.argv.slice(2), processIo()));
