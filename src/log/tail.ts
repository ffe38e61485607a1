/**
 * The last lines the daemon logged, kept in memory for /logs: a destination that passes every line on
 * and keeps a copy (already scrubbed of secrets: the logger scrubs before it writes). JSON lines are
 * shown as "time level message {fields}", cut to a readable length.
 */
import type { DestinationStream } from 'pino';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const MAX_LINE = 400;

function readable(line: string): string {
  if (!line.startsWith('{')) return line.slice(0, MAX_LINE);
  try {
    const { time, level, msg, pid: _pid, hostname: _host, ...rest } = JSON.parse(line) as Record<string, unknown>;
    const when = typeof time === 'string' ? time.slice(11, 19) : typeof time === 'number' ? new Date(time).toISOString().slice(11, 19) : '';
    const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    return `${when} ${LEVELS[level as number] ?? String(level)} ${String(msg ?? '')}${extra}`.slice(0, MAX_LINE);
  } catch {
    return line.slice(0, MAX_LINE);
  }
}

export class LogTail {
  private readonly kept: string[] = [];

  constructor(private readonly size = 500) {}

  push(chunk: string): void {
    for (const line of chunk.split('\n')) if (line.trim() !== '') this.kept.push(readable(line));
    if (this.kept.length > this.size) this.kept.splice(0, this.kept.length - this.size);
  }

  /** The newest `n` lines, oldest first. */
  lines(n: number): string[] {
    return this.kept.slice(-n);
  }

  /** A destination writing to `target` that keeps each line. */
  tee(target: { write(chunk: string): unknown }): DestinationStream {
    return { write: (chunk: string) => void (this.push(chunk), target.write(chunk)) };
  }
}
