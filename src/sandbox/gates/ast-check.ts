/**
 * Syntactic gate (typescript 6 AST, ~2 ms): bans the names and syntax that reach the clock, randomness,
 * code generation, reflection, I/O or the realm's intrinsics. A lint layer in front of the process
 * boundary, not the boundary itself (docs/sandbox.md): a miss here is still contained at run time.
 */
import ts from 'typescript';
import { RESERVED_PREFIX, templateKeyMessage } from './keys.ts';
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
  // Reflection without Reflect: a property named in a string argument, read or defined whatever its
  // name (Object.getOwnPropertyDescriptor(view, 'buffer') is `.buffer` by another road).
  'getOwnPropertyDescriptor', 'getOwnPropertyDescriptors', 'getOwnPropertyNames', 'getOwnPropertySymbols',
  'defineProperty', 'defineProperties', 'getPrototypeOf', 'setPrototypeOf',
]);

const BANNED_MEMBERS: ReadonlyArray<readonly [string, string]> = [
  ['Date', 'now'],
  ['Math', 'random'],
];

/** Where the clock and randomness live: usable only as `Date.<member>`, `Math.<member>` and `new Date(time)`. */
const CLOCK_HOLDERS = new Set(BANNED_MEMBERS.map(([holder]) => holder));

type Rule = (node: ts.Node) => string | null;

const rules: ReadonlyArray<readonly [string, Rule]> = [
  ['banned-identifier', (n) => (ts.isIdentifier(n) && BANNED_IDENTIFIERS.has(n.text) && !isPropertyName(n) ? `'${n.text}' is not available to strategies` : null)],
  ['banned-property', (n) => bannedPropertyName(n)],
  ['banned-member', (n) => bannedMember(n)],
  ['clock-read', (n) => (isClockRead(n) ? `'Date' without arguments reads the clock; use bar.time / ctx.history.time` : null)],
  ['clock-alias', (n) => clockAlias(n)],
  ['computed-key', (n) => templateKeyMessage(n)],
  ['reserved-name', (n) => (ts.isIdentifier(n) && n.text.startsWith(RESERVED_PREFIX) ? `names starting with '${RESERVED_PREFIX}' are reserved for the sandbox` : null)],
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
  if (ts.isComputedPropertyName(n) && ts.isStringLiteralLike(n.expression)) return n.expression.text;
  if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.InKeyword && ts.isStringLiteralLike(n.left)) return n.left.text;
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

/** A type annotation or an interface's heritage: `Date` there names a type, not the clock. */
function isTypePosition(n: ts.Identifier): boolean {
  const p = n.parent;
  if (ts.isTypeReferenceNode(p) || ts.isTypeQueryNode(p) || ts.isQualifiedName(p)) return true;
  return ts.isExpressionWithTypeArguments(p) && ts.isHeritageClause(p.parent) && (ts.isInterfaceDeclaration(p.parent.parent) || p.parent.token === ts.SyntaxKind.ImplementsKeyword);
}

/**
 * `Date` or `Math` anywhere but as `Date.x` / `Math.x` (the banned members checked there) or
 * `new Date(time)`: an alias (`const D = Date`), an argument, an array element, a destructuring
 * source, a parenthesised or computed access or a subclass reaches Date.now or Math.random where no
 * rule can see the member's name.
 */
function clockAlias(n: ts.Node): string | null {
  if (!ts.isIdentifier(n) || !CLOCK_HOLDERS.has(n.text) || isPropertyName(n) || isTypePosition(n)) return null;
  const p = n.parent;
  if (ts.isPropertyAccessExpression(p) && p.expression === n) return null;
  // `Date()` and `new Date()` are the clock-read rule's.
  if (ts.isCallExpression(p) && p.expression === n) return null;
  if (ts.isNewExpression(p) && p.expression === n && !(p.arguments ?? []).some(ts.isSpreadElement)) return null;
  const use = n.text === 'Date' ? "Date.UTC(...), Date.parse(...) or new Date(time)" : 'Math.<function>(...)';
  return `'${n.text}' may only be used as ${use}: an alias, argument or spread could reach ${n.text === 'Date' ? 'Date.now' : 'Math.random'} (non-deterministic)`;
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
