/** The REST result type handlers return; the server wraps it in Kraken's `{"error":[],"result":…}`. */
export type RestResult = { result: unknown } | { error: string };

export function ok(result: unknown): RestResult {
  return { result };
}

export function fail(error: string): RestResult {
  return { error };
}
