/**
 * Import gate: value imports only from strategy/skills/*, and `import type` only from the API
 * declaration (src/contract/*). Anything else (node:*, URLs, npm names, other repo files) is refused,
 * so the bundle can contain nothing but the module and the trusted indicator library.
 */
import { posix } from 'node:path';
import type ts from 'typescript';
import { compiler } from './compiler.ts';
import { API_DIR, issueAt, SKILLS_DIR, type GateIssue } from './types.ts';

export { API_DIR, SKILLS_DIR } from './types.ts';

/** Resolves a relative specifier against a repository-relative file path; null when it is not relative. */
export function resolveRepoPath(fromFile: string, specifier: string): string | null {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return null;
  const resolved = posix.normalize(posix.join(posix.dirname(fromFile), specifier));
  return resolved.startsWith('..') ? null : resolved;
}

function isTypeOnly(decl: ts.ImportDeclaration): boolean {
  const clause = decl.importClause;
  if (!clause) return false; // side-effect import
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return (
    clause.name === undefined && named !== undefined && compiler.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)
  );
}

export function checkImports(sf: ts.SourceFile, virtualPath: string): GateIssue[] {
  const issues: GateIssue[] = [];
  for (const stmt of sf.statements) {
    if (!compiler.isImportDeclaration(stmt) || !compiler.isStringLiteral(stmt.moduleSpecifier)) continue;
    const spec = stmt.moduleSpecifier.text;
    const where = sf.getLineAndCharacterOfPosition(stmt.getStart(sf));
    const target = resolveRepoPath(virtualPath, spec);
    if (target === null) {
      issues.push(
        issueAt(
          'imports',
          'import-source',
          where,
          `import '${spec}' is not allowed: only relative imports from ${SKILLS_DIR} (values) and ${API_DIR} (import type)`,
        ),
      );
    } else if (target.startsWith(API_DIR)) {
      if (!isTypeOnly(stmt)) issues.push(issueAt('imports', 'api-type-only', where, `'${spec}' is the API declaration: use 'import type'`));
    } else if (!target.startsWith(SKILLS_DIR)) {
      issues.push(issueAt('imports', 'import-source', where, `import '${spec}' resolves to ${target}, outside ${SKILLS_DIR}`));
    }
  }
  return issues;
}
