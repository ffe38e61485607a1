#!/usr/bin/env node
// The `brain` executable. tsx is registered first so the TypeScript sources run without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
const { processIo } = await import('./io.ts');
process.exitCode = await main(process.argv.slice(2), processIo());
