/**
 * Syntactic gate (typescript 6 AST, ~2 ms): bans the names and syntax that reach the clock, randomness,
 * code generation, reflection, I/O or the realm's intrinsics. A lint layer in front of the process
 * boundary, not the boundary itself (docs/sandbox.md): a miss here is still contained at run time.
 */
import ts from 'typescript';
import { issueAt, type GateIssue } from './types.ts';

/** Free names a module may not mention at all (globals that escape determinism or the data-only API). */
export const BANNED_IDENTIFIERS = new Set([
  'eval', 'Function', 'globalThis', 'window', 'self', 'global', 'process', 'require', 'module', 'exports',
  'Reflect', 'Proxy', 'WebAssembly', 'SharedArrayBuffer', 'Atomics', 'WeakRef', 'FinalizationRegistry',
  'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate',
  'queueMicrotask', 'requestAnimationFrame', 'fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource',
  'Worker', 'SharedWorker', 'BroadcastChannel', 'MessageChannel', 'Deno', 'Bun', 'Symbol', 'arguments',
  'performance', 'crypto', 'console', 'Buffer', 'Promise', 'Intl', 'importScripts', 'postMessage',
  'structuredClone', 'navigator', 'location', 'caches', 'indexedDB', 'localStorage', 'Temporal',
]);

/**
 * Property names that reach prototypes, engine hooks or callers. `stack` and the stack-trace hooks are
 * here because a trace names the child's per-child temp folder: a path leak and a run-to-run difference.
 * `buffer` is here because a typed-array view's backing buffer may be larger than the view: the engine
 * reveals candles into its own buffers step by step, but a strategy has no reason to look past its view.
 */
export const BANNED_PROPERTIES = new Set([
  'constructor', '__proto__', 'prototype', 'caller', 'callee', 'prepareStackTrace', 'captureStackTrace',
  'stackTraceLimit', 'stack', 'buffer', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__',
]);

const BANNED_MEMBERS: ReadonlyArray<readonly [string, string]> = [
  ['Date', 'now'],
  ['Math', 'random'],
];

type Rule = (node: ts.Node) => string | null;

const rules: ReadonlyArray<readonly [string, Rule]> = [
  ['banned-identifier', (n) => (ts.isIdentifier(n) && BANNED_IDENTIFIERS.has(n.text) && !isPropertyName(n) ? `'${n.text}' is not available to strategies` : null)],
  ['banned-property', (n) => bannedPropertyName(n)],
  ['banned-member', (n) => bannedMember(n)],
  ['clock-read', (n) => (isClockRead(n) ? `'Date' without arguments reads the clock; use bar.time / ctx.history.time` : null)],
  ['dynamic-import', (n) => (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword ? 'dynamic import() is not allowed' : null)],
  ['import-meta', (n) => (ts.isMetaProperty(n) && n.keywordToken === ts.SyntaxKind.ImportKeyword ? 'import.meta is not allowed' : null)],
  ['with-statement', (n) => (ts.isWithStatement(n) ? "'with' is not allowed" : null)],
  ['debugger', (n) => (n.kind === ts.SyntaxKind.DebuggerStatement ? "'debugger' is not allowed" : null)],
  ['async', (n) => (n.kind === ts.SyntaxKind.AsyncKeyword || ts.isAwaitExpression(n) ? 'async/await is not allowed: strategies are synchronous' : null)],
  ['generator', (n) => (isGenerator(n) ? 'generators are not allowed' : null)],
  ['import-equals', (n) => (ts.isImportEqualsDeclaration(n) ? "'import x = require()' is not allowed" : null)],
  ['re-export', (n) => (ts.isExportDeclaration(n) && n.moduleSpecifier ? "re-exporting from another module is not allowed" : null)],
];

function isPropertyName(n: ts.Identifier): boolean {
  const p = n.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === n) return true;
  if ((ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isPropertySignature(p) || ts.isMethodDeclaration(p) || ts.isMethodSignature(p)) && p.name === n) return true;
  if (ts.isBindingElement(p) && p.propertyName === n) return true;
  return false;
}

function propertyNameText(n: ts.Node): string | null {
  if (ts.isPropertyAccessExpression(n)) return n.name.text;
  if (ts.isElementAccessExpression(n) && ts.isStringLiteralLike(n.argumentExpression)) return n.argumentExpression.text;
  if ((ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n) || ts.isMethodDeclaration(n) || ts.isPropertyDeclaration(n) || ts.isGetAccessor(n) || ts.isSetAccessor(n)) && n.name && (ts.isIdentifier(n.name) || ts.isStringLiteralLike(n.name))) return n.name.text;
  if (ts.isBindingElement(n)) {
    const key = n.propertyName ?? n.name;
    if (ts.isIdentifier(key) || ts.isStringLiteralLike(key)) return key.text;
  }
  return null;
}

function bannedPropertyName(n: ts.Node): string | null {
  const name = propertyNameText(n);
  return name !== null && BANNED_PROPERTIES.has(name) ? `property '${name}' is not allowed` : null;
}

function bannedMember(n: ts.Node): string | null {
  const name = propertyNameText(n);
  if (name === null || !(ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n))) return null;
  const target = n.expression;
  if (!ts.isIdentifier(target)) return null;
  const hit = BANNED_MEMBERS.find(([obj, prop]) => obj === target.text && prop === name);
  return hit ? `'${hit[0]}.${hit[1]}' is not allowed (non-deterministic)` : null;
}

function isClockRead(n: ts.Node): boolean {
  const isDate = (e: ts.Expression): boolean => ts.isIdentifier(e) && e.text === 'Date';
  if (ts.isNewExpression(n) && isDate(n.expression)) return (n.arguments?.length ?? 0) === 0;
  return ts.isCallExpression(n) && isDate(n.expression);
}

function isGenerator(n: ts.Node): boolean {
  if (ts.isYieldExpression(n)) return true;
  return (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isMethodDeclaration(n)) && n.asteriskToken !== undefined;
}

/** Runs every rule over every node; returns all issues (not just the first) so a rewrite fixes them at once. */
export function checkAst(sf: ts.SourceFile): GateIssue[] {
  const issues: GateIssue[] = [];
  const visit = (node: ts.Node): void => {
    for (const [rule, test] of rules) {
      const message = test(node);
      if (message !== null) issues.push(issueAt('ast', rule, sf.getLineAndCharacterOfPosition(node.getStart(sf)), message));
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return issues;
}

export function parseSource(fileName: string, source: string): ts.SourceFile {
  return ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

/** Syntax errors are gate failures too (the type check would report them, but later and vaguer). */
export function syntaxIssues(sf: ts.SourceFile): GateIssue[] {
  const diags = (sf as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
  return diags.map((d) =>
    issueAt('ast', 'syntax', d.start === undefined ? null : sf.getLineAndCharacterOfPosition(d.start), ts.flattenDiagnosticMessageText(d.messageText, ' ')),
  );
}
