/**
 * What a dead child's stderr says about why it died, in one line. Deno colours its messages and V8
 * follows a fatal line with a C stack trace, so the last lines of stderr are addresses, not the cause
 * ("young object promotion failed" under the memory cap read as "==== C stack trace ====").
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is exactly what an ANSI colour code starts with.
const ANSI = /\u001b\[[0-9;]*m/g;

/** Most telling first: the runner's own report, a V8 fatal error, Deno's uncaught error. */
const CAUSES: readonly RegExp[] = [/^sandbox runner stopped: .+/, /^#\s*(Fatal .+)/, /^error: (Uncaught .+)/];

export function exitCause(stderr: string): string {
  const lines = stderr
    .replace(ANSI, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  for (const pattern of CAUSES) {
    for (const line of lines) {
      const m = pattern.exec(line);
      if (m) return (m[1] ?? m[0]).slice(0, 400);
    }
  }
  return lines.slice(-3).join(' | ').slice(0, 400);
}
