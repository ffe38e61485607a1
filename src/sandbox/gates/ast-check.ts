/**
 * Syntactic gate (typescript 6 AST, ~2 ms): bans the names and syntax that reach the clock, randomness,
 * code generation, reflection, I/O or the realm's intrinsics. A lint layer in front of the process
 * boundary, not the boundary itself (docs/sandbox.md): a miss here is still contained at run time.
 */
import type ts from 'typescript';
import { compiler } from './compiler.ts';
import { RESERVED_PREFIX, templateKeyMessage } from './keys.ts';
import { issueAt, type GateIssue } from './types.ts';

/** Free names a module may not mention at all (globals that escape determinism or the data-only API). */
export const BANNED_IDENTIFIERS = new Set([
  'eval',
  'Function',
  'globalThis',
  'window',
  'self',
  'global',
  'process',
  'require',
  'module',
  'exports',
  'Reflect',
  'Proxy',
  'WebAssembly',
  'SharedArrayBuffer',
  'Atomics',
  'WeakRef',
  'FinalizationRegistry',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'clearTimeout',
  'clearInterval',
  'clearImmediate',
  'queueMicrotask',
  'requestAnimationFrame',
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'EventSource',
  'Worker',
  'SharedWorker',
  'BroadcastChannel',
  'MessageChannel',
  'Deno',
  'Bun',
  'Symbol',
  'arguments',
  'performance',
  'crypto',
  'console',
  'Buffer',
  'Promise',
  'Intl',
  'importScripts',
  'postMessage',
  'structuredClone',
  'navigator',
  'location',
  'caches',
  'indexedDB',
  'localStorage',
  'Temporal',
]);

/**
 * Property names that reach prototypes, engine hooks or callers. `stack` and the stack-trace hooks are
 * here because a trace names the child's per-child temp folder: a path leak and a run-to-run difference.
 * `buffer` is here because a typed-array view's backing buffer may be larger than the view: the engine
 * reveals candles into its own buffers step by step, but a strategy has no reason to look past its view.
 */
export const BANNED_PROPERTIES = new Set([
  'constructor',
  '__proto__',
  'prototype',
  'caller',
  'callee',
  'prepareStackTrace',
  'captureStackTrace',
  'stackTraceLimit',
  'stack',
  'buffer',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  // Reflection without Reflect: a property named in a string argument, read or defined whatever its
  // name (Object.getOwnPropertyDescriptor(view, 'buffer') is `.buffer` by another road).
  'getOwnPropertyDescriptor',
  'getOwnPropertyDescriptors',
  'getOwnPropertyNames',
  'getOwnPropertySymbols',
  'defineProperty',
  'defineProperties',
  'getPrototypeOf',
  'setPrototypeOf',
]);

const BANNED_MEMBERS: ReadonlyArray<readonly [string, string]> = [
  ['Date', 'now'],
  ['Math', 'random'],
];

/** Where the clock and randomness live: usable only as `Date.<member>`, `Math.<member>` and `new Date(time)`. */
const CLOCK_HOLDERS = new Set(BANNED_MEMBERS.map(([holder]) => holder));

type Rule = (node: ts.Node) => string | null;

const rules: ReadonlyArray<readonly [string, Rule]> = [
  [
    'banned-identifier',
    (n) => (compiler.isIdentifier(n) && BANNED_IDENTIFIERS.has(n.text) && !isPropertyName(n) ? `'${n.text}' is not available to strategies` : null),
  ],
  ['banned-property', (n) => bannedPropertyName(n)],
  ['banned-member', (n) => bannedMember(n)],
  ['clock-read', (n) => (isClockRead(n) ? `'Date' without arguments reads the clock; use bar.time / ctx.history.time` : null)],
  ['clock-alias', (n) => clockAlias(n)],
  ['computed-key', (n) => templateKeyMessage(n)],
  [
    'reserved-name',
    (n) => (compiler.isIdentifier(n) && n.text.startsWith(RESERVED_PREFIX) ? `names starting with '${RESERVED_PREFIX}' are reserved for the sandbox` : null),
  ],
  [
    'dynamic-import',
    (n) => (compiler.isCallExpression(n) && n.expression.kind === compiler.SyntaxKind.ImportKeyword ? 'dynamic import() is not allowed' : null),
  ],
  ['import-meta', (n) => (compiler.isMetaProperty(n) && n.keywordToken === compiler.SyntaxKind.ImportKeyword ? 'import.meta is not allowed' : null)],
  ['with-statement', (n) => (compiler.isWithStatement(n) ? "'with' is not allowed" : null)],
  ['debugger', (n) => (n.kind === compiler.SyntaxKind.DebuggerStatement ? "'debugger' is not allowed" : null)],
  [
    'async',
    (n) => (n.kind === compiler.SyntaxKind.AsyncKeyword || compiler.isAwaitExpression(n) ? 'async/await is not allowed: strategies are synchronous' : null),
  ],
  ['generator', (n) => (isGenerator(n) ? 'generators are not allowed' : null)],
  ['import-equals', (n) => (compiler.isImportEqualsDeclaration(n) ? "'import x = require()' is not allowed" : null)],
  ['re-export', (n) => (compiler.isExportDeclaration(n) && n.moduleSpecifier ? 're-exporting from another module is not allowed' : null)],
];

function isPropertyName(n: ts.Identifier): boolean {
  const p = n.parent;
  if (compiler.isPropertyAccessExpression(p) && p.name === n) return true;
  if (
    (compiler.isPropertyAssignment(p) ||
      compiler.isPropertyDeclaration(p) ||
      compiler.isPropertySignature(p) ||
      compiler.isMethodDeclaration(p) ||
      compiler.isMethodSignature(p)) &&
    p.name === n
  )
    return true;
  if (compiler.isBindingElement(p) && p.propertyName === n) return true;
  return false;
}

function propertyNameText(n: ts.Node): string | null {
  if (compiler.isPropertyAccessExpression(n)) return n.name.text;
  if (compiler.isElementAccessExpression(n) && compiler.isStringLiteralLike(n.argumentExpression)) return n.argumentExpression.text;
  if (compiler.isComputedPropertyName(n) && compiler.isStringLiteralLike(n.expression)) return n.expression.text;
  if (compiler.isBinaryExpression(n) && n.operatorToken.kind === compiler.SyntaxKind.InKeyword && compiler.isStringLiteralLike(n.left)) return n.left.text;
  if (
    (compiler.isPropertyAssignment(n) ||
      compiler.isShorthandPropertyAssignment(n) ||
      compiler.isMethodDeclaration(n) ||
      compiler.isPropertyDeclaration(n) ||
      compiler.isGetAccessor(n) ||
      compiler.isSetAccessor(n)) &&
    n.name &&
    (compiler.isIdentifier(n.name) || compiler.isStringLiteralLike(n.name))
  )
    return n.name.text;
  if (compiler.isBindingElement(n)) {
    const key = n.propertyName ?? n.name;
    if (compiler.isIdentifier(key) || compiler.isStringLiteralLike(key)) return key.text;
  }
  return null;
}

function bannedPropertyName(n: ts.Node): string | null {
  const name = propertyNameText(n);
  return name !== null && BANNED_PROPERTIES.has(name) ? `property '${name}' is not allowed` : null;
}

function bannedMember(n: ts.Node): string | null {
  const name = propertyNameText(n);
  if (name === null || !(compiler.isPropertyAccessExpression(n) || compiler.isElementAccessExpression(n))) return null;
  const target = n.expression;
  if (!compiler.isIdentifier(target)) return null;
  const hit = BANNED_MEMBERS.find(([obj, prop]) => obj === target.text && prop === name);
  return hit ? `'${hit[0]}.${hit[1]}' is not allowed (non-deterministic)` : null;
}

/** A type annotation or an interface's heritage: `Date` there names a type, not the clock. */
function isTypePosition(n: ts.Identifier): boolean {
  const p = n.parent;
  if (compiler.isTypeReferenceNode(p) || compiler.isTypeQueryNode(p) || compiler.isQualifiedName(p)) return true;
  return (
    compiler.isExpressionWithTypeArguments(p) &&
    compiler.isHeritageClause(p.parent) &&
    (compiler.isInterfaceDeclaration(p.parent.parent) || p.parent.token === compiler.SyntaxKind.ImplementsKeyword)
  );
}

/**
 * `Date` or `Math` anywhere but as `Date.x` / `Math.x` (the banned members checked there) or
 * `new Date(time)`: an alias (`const D = Date`), an argument, an array element, a destructuring
 * source, a parenthesised or computed access or a subclass reaches Date.now or Math.random where no
 * rule can see the member's name.
 */
function clockAlias(n: ts.Node): string | null {
  if (!compiler.isIdentifier(n) || !CLOCK_HOLDERS.has(n.text) || isPropertyName(n) || isTypePosition(n)) return null;
  const p = n.parent;
  if (compiler.isPropertyAccessExpression(p) && p.expression === n) return null;
  // `Date()` and `new Date()` are the clock-read rule's.
  if (compiler.isCallExpression(p) && p.expression === n) return null;
  if (compiler.isNewExpression(p) && p.expression === n && !(p.arguments ?? []).some(compiler.isSpreadElement)) return null;
  const use = n.text === 'Date' ? 'Date.UTC(...), Date.parse(...) or new Date(time)' : 'Math.<function>(...)';
  return `'${n.text}' may only be used as ${use}: an alias, argument or spread could reach ${n.text === 'Date' ? 'Date.now' : 'Math.random'} (non-deterministic)`;
}

function isClockRead(n: ts.Node): boolean {
  const isDate = (e: ts.Expression): boolean => compiler.isIdentifier(e) && e.text === 'Date';
  if (compiler.isNewExpression(n) && isDate(n.expression)) return (n.arguments?.length ?? 0) === 0;
  return compiler.isCallExpression(n) && isDate(n.expression);
}

function isGenerator(n: ts.Node): boolean {
  if (compiler.isYieldExpression(n)) return true;
  return (compiler.isFunctionDeclaration(n) || compiler.isFunctionExpression(n) || compiler.isMethodDeclaration(n)) && n.asteriskToken !== undefined;
}

/** Runs every rule over every node; returns all issues (not just the first) so a rewrite fixes them at once. */
export function checkAst(sf: ts.SourceFile): GateIssue[] {
  const issues: GateIssue[] = [];
  const visit = (node: ts.Node): void => {
    for (const [rule, test] of rules) {
      const message = test(node);
      if (message !== null) issues.push(issueAt('ast', rule, sf.getLineAndCharacterOfPosition(node.getStart(sf)), message));
    }
    compiler.forEachChild(node, visit);
  };
  visit(sf);
  return issues;
}

export function parseSource(fileName: string, source: string): ts.SourceFile {
  return compiler.createSourceFile(fileName, source, compiler.ScriptTarget.ES2022, true, compiler.ScriptKind.TS);
}

/** Syntax errors are gate failures too (the type check would report them, but later and vaguer). */
export function syntaxIssues(sf: ts.SourceFile): GateIssue[] {
  const diags = (sf as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
  return diags.map((d) =>
    issueAt(
      'ast',
      'syntax',
      d.start === undefined ? null : sf.getLineAndCharacterOfPosition(d.start),
      compiler.flattenDiagnosticMessageText(d.messageText, ' '),
    ),
  );
}
