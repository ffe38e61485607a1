/**
 * The static pipeline every strategy/statistics source passes before anything runs (loaded by Gates on
 * the first source it checks, see index.ts):
 * size cap → syntax + AST ban list → import fence → strict type check → esbuild bundle (with every
 * computed property key guarded at run time).
 * Returns every issue of the first failing stage (each with line, column and rule) and, on success,
 * the bundle plus both content hashes that identify the immutable version.
 */
import { sha256 } from '../../hash.ts';
import { checkAst, parseSource, syntaxIssues } from './ast-check.ts';
import { bundleModule } from './bundle.ts';
import { guardKeys } from './keys.ts';
import { checkImports } from './imports.ts';
import { TypeChecker } from './type-check.ts';
import { defaultVirtualPath, issueAt, type GateInput, type GateIssue, type GateName } from './types.ts';

export { defaultVirtualPath } from './types.ts';

export const MAX_SOURCE_BYTES = 64 * 1024;

export interface GateStageResult {
  readonly gate: GateName;
  readonly ok: boolean;
  readonly ms: number;
}

export type GateOutcome =
  | { ok: true; sourceSha256: string; bundle: string; bundleSha256: string; stages: GateStageResult[] }
  | { ok: false; sourceSha256: string; issues: GateIssue[]; stages: GateStageResult[] };

export class GatePipeline {
  private readonly types: TypeChecker;

  constructor(private readonly repoRoot: string) {
    this.types = new TypeChecker(repoRoot);
  }

  async run(input: GateInput): Promise<GateOutcome> {
    const path = defaultVirtualPath(input);
    const sourceSha256 = sha256(input.source);
    const stages: GateStageResult[] = [];
    const stage = <T>(gate: GateName, fn: () => T, failed: (r: T) => boolean): T => {
      const t0 = performance.now();
      const r = fn();
      stages.push({ gate, ok: !failed(r), ms: Math.round((performance.now() - t0) * 10) / 10 });
      return r;
    };
    const fail = (issues: GateIssue[]): GateOutcome => ({ ok: false, sourceSha256, issues, stages });

    const bytes = Buffer.byteLength(input.source, 'utf8');
    const size = stage(
      'size',
      () => (bytes > MAX_SOURCE_BYTES ? [issueAt('size', 'max-bytes', null, `source is ${bytes} bytes; the cap is ${MAX_SOURCE_BYTES}`)] : []),
      (i) => i.length > 0,
    );
    if (size.length > 0) return fail(size);
    const sf = parseSource(path, input.source);
    const ast = stage(
      'ast',
      () => [...syntaxIssues(sf), ...checkAst(sf)],
      (i) => i.length > 0,
    );
    if (ast.length > 0) return fail(ast);
    const imports = stage(
      'imports',
      () => checkImports(sf, path),
      (i) => i.length > 0,
    );
    if (imports.length > 0) return fail(imports);
    const types = stage(
      'types',
      () => this.types.check(input.kind, path, input.source),
      (i) => i.length > 0,
    );
    if (types.length > 0) return fail(types);
    const t0 = performance.now();
    // Types cannot prove a key is a number (casts, type guards, array covariance): every computed key is checked as it runs.
    const bundled = await bundleModule(this.repoRoot, path, guardKeys(sf));
    stages.push({ gate: 'bundle', ok: bundled.ok, ms: Math.round((performance.now() - t0) * 10) / 10 });
    if (!bundled.ok) return fail(bundled.issues);
    return { ok: true, sourceSha256, bundle: bundled.code, bundleSha256: sha256(bundled.code), stages };
  }
}
