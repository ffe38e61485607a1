// A module hook for tests/cli/lazy-loading.test.ts: appends every URL resolved to $LOADED_MODULES_OUT
// with the module that imported it, so a test can see what a command loaded (ESM and CommonJS alike).
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.LOADED_MODULES_OUT, `${resolved.url} ${context.parentURL ?? ''}\n`);
  return resolved;
}
