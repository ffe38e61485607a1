/**
 * A parameter candidate as a module of its own: the parent's source with the `default` of each declared
 * parameter (meta.params) rewritten. So a candidate the offline evolver finds is an ordinary immutable
 * version (DESIGN inv. 6) that trades with its own defaults live and in every backtest, and two searches
 * that land on the same values produce the same content hash (the ledger's dedupe). The defaults are
 * located once with the TypeScript parser, where the gates run (`Gates.paramSlots`: the daemon's gate
 * process, so the daemon never loads the compiler); rewriting is a splice of those spans.
 */
import type { ParamSpec, Params } from '../contract/index.ts';
import { BrainError } from '../contract/errors.ts';
import type { Gates } from '../sandbox/gates/index.ts';
import type { ParamSlot } from '../sandbox/gates/param-slots.ts';

export type ParamsSourceErrorCode = 'no_params' | 'not_literal' | 'unknown_param' | 'out_of_range';

export class ParamsSourceError extends BrainError<ParamsSourceErrorCode> {
  override readonly name = 'ParamsSourceError';
  constructor(code: ParamsSourceErrorCode, message: string) {
    super(message, { domain: 'evolution', code, retryable: false });
  }
}

/** Shortest text that reads back as exactly `v`. */
function literal(v: number): string {
  return Object.is(v, -0) ? '0' : String(v);
}

/** The spans of the source's declared defaults; throws ParamsSourceError when it has none to rewrite. */
async function slotsOf(gates: Pick<Gates, 'paramSlots'>, source: string): Promise<ParamSlot[]> {
  const r = await gates.paramSlots(source);
  if (!r.ok) throw new ParamsSourceError(r.code, r.message);
  return r.slots;
}

/** A rewriter bound to one parent source: parse once, then splice each candidate's values in. */
export async function paramsWriter(
  gates: Pick<Gates, 'paramSlots'>,
  source: string,
  declared?: Readonly<Record<string, ParamSpec>>,
): Promise<(params: Params) => string> {
  const slots = (await slotsOf(gates, source)).sort((a, b) => a.start - b.start);
  // Without declared specs, the ranges read from the literals (ranges that are not literals are open).
  const specs = declared ?? Object.fromEntries(slots.map((s) => [s.name, s.spec]));
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
