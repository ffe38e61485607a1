/**
 * import.meta.url in the bundles (dist/ by bundle.ts, the gate snapshot by gate-snapshot.ts). A module
 * of its own: bundle.ts, run as the build, imports gate-snapshot.ts, which must not import it back
 * (a module waiting on its own top-level await never settles, and Node exits with 13).
 */
import { readFileSync } from 'node:fs';
import { sep } from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * Rewrites import.meta.url in the project's own modules to `url(file)`, a JavaScript expression for the
 * URL of their source file, so paths resolve as from the sources; null leaves a module's own.
 */
export function importMetaUrlAs(url: (file: string) => string | null): Plugin {
  return {
    name: 'source-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const expression = args.path.includes(`${sep}node_modules${sep}`) ? null : url(args.path);
        if (expression === null) return undefined;
        const code = readFileSync(args.path, 'utf8');
        if (!code.includes('import.meta.url')) return undefined;
        return { contents: code.replaceAll('import.meta.url', expression), loader: 'ts' };
      });
    },
  };
}
