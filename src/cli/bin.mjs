#!/usr/bin/env node
// The `brain` executable: the compiled build (dist/, `npm run build`) while it is newer than every source it
// was built from, else the TypeScript sources through tsx (src/build/current.mjs decides).
import { currentBundle } from '../build/current.mjs';

const bundle = currentBundle(new URL('../../', import.meta.url));
if (bundle) {
  // Stack traces name the TypeScript sources (dist/*.mjs.map): Node reads a module's map when it loads it.
  process.setSourceMapsEnabled(true);
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./entry.ts');
}
