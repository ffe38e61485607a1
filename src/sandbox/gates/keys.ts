/**
 * Property keys computed by strategy code: `o[k]`, `{ [k]: v }`, `const { [k]: v } = o`, `k in o`.
 * A key is converted to a string (or symbol) when used, so an object whose toString, valueOf or
 * Symbol.toPrimitive returns "constructor", "buffer" or "stack" reaches that property, and a cast
 * (`k as unknown as number`), a lying type guard or an array's covariance tells the type checker
 * it is a number. Types prove nothing here, so the gate does two things:
 * - statically, a key is a literal (its name checked against the banned list, ast-check.ts) or a
 *   number by its type (type-check.ts); a template with substitutions is refused outright;
 * - the bundle wraps every non-literal key in `__brainKey(…)`, which lets a number through and
 *   throws on anything else before it is converted, whatever the types claimed.
 * `__brain` names are reserved (ast-check.ts), so a module can neither shadow nor replace the guard.
 */
import type ts from 'typescript';
import { compiler } from './compiler.ts';

export const RESERVED_PREFIX = '__brain';
const GUARD = `${RESERVED_PREFIX}Key`;

/**
 * The guard, placed by the bundle before the module's code. It reads only `typeof`: converting the
 * value to describe it would call the very toString it guards against.
 */
export const KEY_GUARD = `const ${GUARD} = (k) => { if (typeof k === "number") return k; throw new TypeError("a computed property key must be a number, got a " + typeof k); };`;

/** A key written as a literal: its name is known before anything runs. */
export function isLiteralKey(e: ts.Expression): boolean {
  return compiler.isStringLiteral(e) || compiler.isNoSubstitutionTemplateLiteral(e) || compiler.isNumericLiteral(e);
}

/** Members of interfaces and type literals: their computed names never run. */
function inTypePosition(name: ts.ComputedPropertyName): boolean {
  const member = name.parent;
  return (
    compiler.isPropertySignature(member) ||
    compiler.isMethodSignature(member) ||
    compiler.isIndexSignatureDeclaration(member) ||
    compiler.isTypeLiteralNode(member.parent) ||
    compiler.isInterfaceDeclaration(member.parent)
  );
}

/** The expression `node` uses as a property key at run time, if it is one of the places that compute one. */
export function keyOf(node: ts.Node): ts.Expression | null {
  if (compiler.isElementAccessExpression(node)) return node.argumentExpression;
  if (compiler.isComputedPropertyName(node)) return inTypePosition(node) ? null : node.expression;
  if (compiler.isBinaryExpression(node) && node.operatorToken.kind === compiler.SyntaxKind.InKeyword && !compiler.isPrivateIdentifier(node.left))
    return node.left;
  return null;
}

/** Static part: a key built by a template is a string by construction (the type check would say so later, less plainly). */
export function templateKeyMessage(node: ts.Node): string | null {
  const key = keyOf(node);
  return key !== null && compiler.isTemplateExpression(key)
    ? 'a property key built from a template is a string; computed keys must be numbers (use a Map for keyed data)'
    : null;
}

/** The source with every non-literal key wrapped in the guard; line breaks unchanged. */
export function guardKeys(sf: ts.SourceFile): string {
  const edits: Array<{ at: number; text: string }> = [];
  const visit = (node: ts.Node): void => {
    const key = keyOf(node);
    if (key !== null && !isLiteralKey(key)) {
      edits.push({ at: key.getStart(sf), text: `${GUARD}(` }, { at: key.end, text: ')' });
    }
    compiler.forEachChild(node, visit);
  };
  visit(sf);
  // From the end backwards, so earlier offsets stay valid; where one key would end at the offset
  // another starts, the closing paren must come first, so it is inserted last.
  edits.sort((x, y) => y.at - x.at || (x.text === ')' ? 1 : -1));
  let out = sf.text;
  for (const e of edits) out = out.slice(0, e.at) + e.text + out.slice(e.at);
  return out;
}
