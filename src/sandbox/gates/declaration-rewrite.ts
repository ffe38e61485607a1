/**
 * The text work of contract-declaration.ts: a contract file's emitted declaration rewritten without
 * zod (each alias zod computes written out, the schemas dropped), and the imports of what was dropped
 * taken out of the files that named it. Returns null for anything it cannot rewrite faithfully.
 */
import { dirname, join } from 'node:path';
import type ts from 'typescript';
import { compiler } from './compiler.ts';

/**
 * Untruncated, and a type that is itself an alias instance (zod's `output<…>`) written out, not named:
 * the text must not name anything of zod's.
 */
const PRINT = compiler.TypeFormatFlags.NoTruncation | compiler.TypeFormatFlags.InTypeAlias;

/** The local names a file binds to the zod package (`z` in `import { z } from 'zod'`). */
function zodNames(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const st of sf.statements) {
    if (!compiler.isImportDeclaration(st) || !compiler.isStringLiteral(st.moduleSpecifier) || st.moduleSpecifier.text !== 'zod') continue;
    const clause = st.importClause;
    if (clause?.name) names.add(clause.name.text);
    const bindings = clause?.namedBindings;
    if (bindings && compiler.isNamespaceImport(bindings)) names.add(bindings.name.text);
    if (bindings && compiler.isNamedImports(bindings)) for (const e of bindings.elements) names.add(e.name.text);
  }
  return names;
}

function mentions(node: ts.Node, names: ReadonlySet<string>): boolean {
  if (compiler.isIdentifier(node) && names.has(node.text)) return true;
  return compiler.forEachChild(node, (child) => mentions(child, names) || undefined) === true;
}

/**
 * Each outermost type written with zod in `source` (an alias's type, a member's or a parameter's), by
 * its text, as the type it computes. An alias's type is its declared type, written out in full, not
 * as the alias's own name.
 */
function writtenOut(source: ts.SourceFile, checker: ts.TypeChecker): Map<string, string> {
  const names = zodNames(source);
  const out = new Map<string, string>();
  const visit = (n: ts.Node): void => {
    if (!compiler.isTypeNode(n) || !mentions(n, names)) return void compiler.forEachChild(n, visit);
    const alias = compiler.isTypeAliasDeclaration(n.parent) && n.parent.type === n ? checker.getSymbolAtLocation(n.parent.name) : undefined;
    const type = alias ? checker.getDeclaredTypeOfSymbol(alias) : checker.getTypeFromTypeNode(n);
    out.set(n.getText(source), checker.typeToString(type, n, PRINT));
  };
  visit(source);
  return out;
}

/** `st`'s text with each outermost zod-written type replaced by what `types` says it computes; null for one it does not know. */
function rewritten(st: ts.Statement, dts: ts.SourceFile, names: ReadonlySet<string>, types: ReadonlyMap<string, string>): string | null {
  const base = st.getStart(dts);
  let text = st.getText(dts);
  const spans: { start: number; end: number; by: string }[] = [];
  let unknown = false;
  const visit = (n: ts.Node): void => {
    if (!compiler.isTypeNode(n) || !mentions(n, names)) return void compiler.forEachChild(n, visit);
    const by = types.get(n.getText(dts));
    if (by === undefined) unknown = true;
    else spans.push({ start: n.getStart(dts) - base, end: n.getEnd() - base, by });
  };
  compiler.forEachChild(st, visit);
  if (unknown) return null;
  for (const s of spans.reverse()) text = text.slice(0, s.start) + s.by + text.slice(s.end);
  return text;
}

/** `declaration` (the emit of `source`) without zod, and the value names it dropped (the schemas). */
export function withoutZod(source: ts.SourceFile, declaration: string, checker: ts.TypeChecker): { text: string; dropped: Set<string> } | null {
  const types = writtenOut(source, checker);
  const dts = compiler.createSourceFile('declaration.d.ts', declaration, compiler.ScriptTarget.ES2022, true);
  const names = zodNames(dts);
  const dropped = new Set<string>();
  const kept: string[] = [];
  for (const st of dts.statements) {
    if (compiler.isImportDeclaration(st) && compiler.isStringLiteral(st.moduleSpecifier) && st.moduleSpecifier.text === 'zod') continue;
    if (!mentions(st, names)) kept.push(st.getText(dts));
    else if (compiler.isVariableStatement(st))
      for (const d of st.declarationList.declarations) {
        if (!compiler.isIdentifier(d.name)) return null;
        dropped.add(d.name.text);
      }
    else {
      const text = rewritten(st, dts, names, types);
      if (text === null) return null;
      kept.push(text);
    }
  }
  return { text: kept.join('\n'), dropped };
}

/** `text` (the declaration of `file`) without the names its imports and re-exports take from what another file dropped. */
export function pruneImports(file: string, text: string, dropped: ReadonlyMap<string, ReadonlySet<string>>): string {
  const sf = compiler.createSourceFile('declaration.d.ts', text, compiler.ScriptTarget.ES2022, true);
  const out: string[] = [];
  for (const st of sf.statements) {
    const named = namedElements(st);
    const gone = named && dropped.get(join(dirname(file), named.from));
    if (!named || !gone) {
      out.push(st.getText(sf));
      continue;
    }
    const left = named.elements.filter((e) => !gone.has((e.propertyName ?? e.name).getText(sf)));
    if (left.length === 0) continue;
    const keyword = compiler.isImportDeclaration(st) ? 'import type' : 'export type';
    out.push(`${keyword} { ${left.map((e) => e.getText(sf)).join(', ')} } from '${named.from}';`);
  }
  return out.join('\n');
}

type NamedElement = ts.ImportSpecifier | ts.ExportSpecifier;

function namedElements(st: ts.Statement): { from: string; elements: readonly NamedElement[] } | null {
  if (compiler.isImportDeclaration(st) && compiler.isStringLiteral(st.moduleSpecifier)) {
    const clause = st.importClause;
    if (!clause || clause.name || !clause.namedBindings || !compiler.isNamedImports(clause.namedBindings)) return null;
    return { from: st.moduleSpecifier.text, elements: clause.namedBindings.elements };
  }
  if (compiler.isExportDeclaration(st) && st.moduleSpecifier && compiler.isStringLiteral(st.moduleSpecifier)) {
    if (!st.exportClause || !compiler.isNamedExports(st.exportClause)) return null;
    return { from: st.moduleSpecifier.text, elements: st.exportClause.elements };
  }
  return null;
}
