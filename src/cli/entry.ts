/** What the `brain` executable runs, from dist/brain.mjs or from the sources through tsx (bin.mjs chooses). */
import { processIo } from './io.ts';
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2), processIo());
