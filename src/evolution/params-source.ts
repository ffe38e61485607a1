/**
 * A parameter candidate as a module of its own: the parent's source with the `default` of each declared
 * parameter (meta.params) rewritten. So a candidate the offline evolver finds is an ordinary immutable
 * version (DESIGN inv. 6) that trades with its own defaults live and in every backtest, and two searches
 * that land on the same values produce the same content hash (the ledger's dedupe). The defaults are
 * located once with the TypeScript parser; rewriting is a splice of those spans.
 */
import type ts from 'typescript';
import { compiler } from '../sandbox/gates/compiler.ts';
import type { ParamSpec, Params } from '../contract/index.ts';
import { BrainError } from '../contract/errors.ts';

export type ParamsSourceErrorCode = 'no_params' | 'not_literal' | 'unknown_param' | 'out_of_range';

export class ParamsSourceError extends BrainError<ParamsSourceErrorCode> {
  override readonly name = 'ParamsSourceError';
  constructor(code: ParamsSourceErrorCode, message: string) {
    super(message, { domain: 'evolution', code, retryable: false });
  }
}

interface Slot {
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

/** The spans of every `default: <number>` under `meta: { params: { … } }`. */
function slotsOf(source: string): Slot[] {
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
  if (!params) throw new ParamsSourceError('no_params', 'the module declares no meta.params object literal; the evolver searches only declared parameters');
  return (params as ts.ObjectLiteralExpression).properties.flatMap((p) => {
    const name = propName(p);
    if (!name || !compiler.isPropertyAssignment(p) || !compiler.isObjectLiteralExpression(p.initializer)) return [];
    const d = objectProp(p.initializer, 'default');
    if (!d || !isNumberLiteral(d))
      throw new ParamsSourceError('not_literal', `meta.params.${name}.default is not a number literal; write it as one so a candidate can set it`);
    const o = p.initializer;
    const integer = objectProp(o, 'integer')?.kind === compiler.SyntaxKind.TrueKeyword;
    const spec: ParamSpec = {
      default: numberOf(d, 0),
      min: numberOf(objectProp(o, 'min'), -Infinity),
      max: numberOf(objectProp(o, 'max'), Infinity),
      integer,
      description: '',
    };
    return [{ name, start: d.getStart(file), end: d.getEnd(), spec }];
  });
}

/** Shortest text that reads back as exactly `v`. */
function literal(v: number): string {
  return Object.is(v, -0) ? '0' : String(v);
}

/** The parameters a source declares, read from its literals (ranges that are not literals are open). */
export function declaredParams(source: string): Record<string, ParamSpec> {
  return Object.fromEntries(slotsOf(source).map((s) => [s.name, s.spec]));
}

/** A rewriter bound to one parent source: parse once, then splice each candidate's values in. */
export function paramsWriter(source: string, specs: Readonly<Record<string, ParamSpec>> = declaredParams(source)): (params: Params) => string {
  const slots = slotsOf(source).sort((a, b) => a.start - b.start);
  return (params) => {
    for (const [name, v] of Object.entries(params)) {
      const spec = specs[name];
      if (!spec || !slots.some((s) => s.name === name))
        throw new ParamsSourceError('unknown_param', `parameter "${name}" is not declared in meta.params (declared: ${slots.map((s) => s.name).join(', ')})`);
      if (!(Number.isFinite(v) && v >= spec.min && v <= spec.max) || (spec.integer && !Number.isInteger(v))) {
        throw new ParamsSourceError(
          'out_of_range',
          `parameter ${name} = ${v} is outside its declared range [${spec.min}, ${spec.max}]${spec.integer ? ' or not an integer' : ''}`,
        );
      }
    }
    let out = '';
    let at = 0;
    for (const s of slots) {
      out += source.slice(at, s.start) + (s.name in params ? literal(params[s.name]!) : source.slice(s.start, s.end));
      at = s.end;
    }
    return out + source.slice(at);
  };
}
