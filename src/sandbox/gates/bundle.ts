/**
 * esbuild to one IIFE (`var __module = ...`) holding the module and the skills it imports. The resolver
 * plugin re-enforces the import gate, so a bundle can never pull in a file outside strategy/skills.
 * `source` is the module with its computed keys already guarded (keys.ts guardKeys); the guard itself
 * comes first, as a banner.
 */
import { dirname, join, relative, sep } from 'node:path';
import * as esbuild from 'esbuild';
import { SKILLS_DIR } from './imports.ts';
import { KEY_GUARD } from './keys.ts';
import { issueAt, type GateIssue } from './types.ts';

export const BUNDLE_GLOBAL = '__module';

export type BundleResult = { ok: true; code: string } | { ok: false; issues: GateIssue[] };

export async function bundleModule(repoRoot: string, virtualPath: string, source: string): Promise<BundleResult> {
  const skills = join(repoRoot, SKILLS_DIR);
  const fence: esbuild.Plugin = {
    name: 'skills-only',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        const target = join(args.resolveDir, args.path);
        const inside = target.startsWith(skills) && !relative(skills, target).startsWith(`..${sep}`);
        return inside ? { path: target } : { errors: [{ text: `import '${args.path}' is outside ${SKILLS_DIR}` }] };
      });
    },
  };
  try {
    const out = await esbuild.build({
      stdin: { contents: source, loader: 'ts', resolveDir: dirname(join(repoRoot, virtualPath)), sourcefile: virtualPath },
      // The paths esbuild writes into the bundle are relative to this: the process's own working folder
      // made the same file's bundle, and so its version id, depend on where `brain` was run.
      absWorkingDir: repoRoot,
      bundle: true,
      write: false,
      format: 'iife',
      globalName: BUNDLE_GLOBAL,
      platform: 'neutral',
      target: 'es2022',
      legalComments: 'none',
      charset: 'utf8',
      // The computed-key guard the source's keys were wrapped in (keys.ts); outside the module's scope.
      banner: { js: KEY_GUARD },
      logLevel: 'silent',
      plugins: [fence],
    });
    const file = out.outputFiles[0];
    if (!file) return { ok: false, issues: [issueAt('bundle', 'esbuild', null, 'esbuild produced no output')] };
    return { ok: true, code: file.text };
  } catch (err) {
    const errors = (err as { errors?: esbuild.Message[] }).errors ?? [];
    const issues = errors.map((e) => issueAt('bundle', 'esbuild', e.location ? { line: e.location.line - 1, character: e.location.column } : null, e.text));
    return { ok: false, issues: issues.length > 0 ? issues : [issueAt('bundle', 'esbuild', null, String(err))] };
  }
}
