/**
 * Shared conversion helpers for repositories: JSON columns, validation of rows coming back out of the
 * database, and mapping a UNIQUE violation onto DbError('duplicate').
 */
import { z } from 'zod';
import type { BindParams, RunResult, Statement } from './connection.ts';
import { DbError, isUniqueViolation } from './errors.ts';

export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function toJsonOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

export function fromJson<T>(text: string | null, where: string): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new DbError('corrupt_row', `${where} holds invalid JSON (${text.slice(0, 80)}); the row was written outside the repositories`, {
      cause: err,
    });
  }
}

/** Validates an object read from the database; a failure means the table was edited by hand. */
export function validated<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new DbError('corrupt_row', `${where} does not match the contract: ${z.prettifyError(parsed.error)}`, {
    cause: parsed.error,
  });
}

/** Runs a write whose unique keys must be new; an existing key becomes DbError('duplicate'). */
export function runUnique(stmt: Statement, params: BindParams, duplicateMessage: string): RunResult {
  try {
    return stmt.run(params);
  } catch (err) {
    if (isUniqueViolation(err)) throw new DbError('duplicate', duplicateMessage, { cause: err });
    throw err;
  }
}

/** Optional fields become absent keys, not `undefined` values: strict contract objects compare equal. */
export function withoutNulls<T extends Record<string, unknown>>(obj: T): { [K in keyof T]: Exclude<T[K], null> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== null && v !== undefined) out[k] = v;
  return out as { [K in keyof T]: Exclude<T[K], null> };
}
