/**
 * Where a module declares its parameters' defaults: the spans of every `default: <number>` literal under
 * `meta.params`, found with the TypeScript parser (so it runs where the gates run: in the daemon's gate
 * process, child-process.ts). src/evolution/params-source.ts splices a candidate's values into them.
 */
import type ts from 'typescript';
import type { ParamSpec } from '../../contract/index.ts';
import { compiler } from './compiler.ts';

export type ParamSlotsResult = { ok: true; slots: ParamSlot[] } | { ok: false; code: 'no_params' | 'not_literal'; message: string };

export interface ParamSlot {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  /** The declared range, as far as it is written with literals (what a submission's params are checked against). */
  readonly spec: ParamSpec;
}

function propName(p: ts.ObjectLiteralElementLike): string | null {
  if (!compiler.isPropertyAssignment(p)) return null;
  return compiler.isIdentifier(p.name) || compiler.isStringLiteral(p.name) ? p.name.text : null;
}

function objectProp(obj: ts.ObjectLiteralExpression, name: string): ts.Expression | null {
  const p = obj.properties.find((x) => propName(x) === name);
  return p && compiler.isPropertyAssignment(p) ? p.initializer : null;
}

function isNumberLiteral(e: ts.Expression): boolean {
  return (
    compiler.isNumericLiteral(e) ||
    (compiler.isPrefixUnaryExpression(e) && e.operator === compiler.SyntaxKind.MinusToken && compiler.isNumericLiteral(e.operand))
  );
}

function numberOf(e: ts.Expression | null, fallback: number): number {
  if (!e || !isNumberLiteral(e)) return fallback;
  return compiler.isNumericLiteral(e) ? Number(e.text) : -Number(((e as ts.PrefixUnaryExpression).operand as ts.NumericLiteral).text);
}

/** The spans of every `default: <number>` under `meta: { params: { … } }`, or why they cannot be rewritten. */
export function paramSlots(source: string): ParamSlotsResult {
  const file = compiler.createSourceFile('strategy.ts', source, compiler.ScriptTarget.ES2022, true);
  let params: ts.ObjectLiteralExpression | null = null;
  const visit = (n: ts.Node): void => {
    if (params) return;
    if (compiler.isPropertyAssignment(n) && propName(n) === 'meta' && compiler.isObjectLiteralExpression(n.initializer)) {
      const p = objectProp(n.initializer, 'params');
      if (p && compiler.isObjectLiteralExpression(p)) params = p;
    }
    compiler.forEachChild(n, visit);
  };
  visit(file);
  if (!params)
    return { ok: false, code: 'no_params', message: 'the module declares no meta.params object literal; the evolver searches only declared parameters' };
  const slots: ParamSlot[] = [];
  for (const p of (params as ts.ObjectLiteralExpression).properties) {
    const name = propName(p);
    if (!name || !compiler.isPropertyAssignment(p) || !compiler.isObjectLiteralExpression(p.initializer)) continue;
    const d = objectProp(p.initializer, 'default');
    if (!d || !isNumberLiteral(d))
      return { ok: false, code: 'not_literal', message: `meta.params.${name}.default is not a number literal; write it as one so a candidate can set it` };
    const o = p.initializer;
    const integer = objectProp(o, 'integer')?.kind === compiler.SyntaxKind.TrueKeyword;
    const spec: ParamSpec = {
      default: numberOf(d, 0),
      min: numberOf(objectProp(o, 'min'), -Infinity),
      max: numberOf(objectProp(o, 'max'), Infinity),
      integer,
      description: '',
    };
    slots.push({ name, start: d.getStart(file), end: d.getEnd(), spec });
  }
  return { ok: true, slots };
}
