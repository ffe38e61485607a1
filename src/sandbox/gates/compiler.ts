/**
 * The TypeScript compiler, loaded with require: imported as an ES module, its 9 MB CommonJS file is
 * first scanned by Node for named exports (~0.3 s more on every load). Its types come from
 * `import type ts from 'typescript'` as usual; this is the value.
 */
import { createRequire } from 'node:module';
import type ts from 'typescript';

export const compiler: typeof ts = createRequire(import.meta.url)('typescript');
