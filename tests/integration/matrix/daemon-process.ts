/**
 * The real `brain run` as a child process, as an operator runs it: its JSON log lines are the events the
 * fault matrix drives by (intents, orders and fills carry their clOrdId), its signals are the faults
 * (SIGKILL: no last write; SIGTERM: the graceful stop). A wait has a real-time limit only as a safety net
 * against a hung child; what it waits for is always a log line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PROJECT_ROOT } from '../../../src/paths.ts';

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

export interface DaemonStart {
  cwd: string;
  /** `brain run` arguments after `run`. */
  args: readonly string[];
  /** The whole environment of the child (nothing is inherited but PATH and HOME). */
  env: Readonly<Record<string, string>>;
  /** Loaded before the daemon (`node --import`), e.g. a fault shim; test-only. */
  preload?: string;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const LIMIT_MS = 60_000;

export class DaemonProcess {
  readonly lines: LogLine[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<Exit>;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    createInterface({ input: child.stdout! }).on('line', (text) => this.take(text));
    createInterface({ input: child.stderr! }).on('line', (text) => this.stderr.push(text));
    void this.exited.then(() => this.wake());
  }

  static start(o: DaemonStart): DaemonProcess {
    const node = [...(o.preload ? ['--import', o.preload] : []), join(PROJECT_ROOT, 'src/cli/bin.mjs'), 'run', ...o.args];
    const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...o.env };
    return new DaemonProcess(spawn(process.execPath, node, { cwd: o.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The index the next line will get: `waitFor(pred, { from: mark() })` ignores what came before. */
  mark(): number {
    return this.lines.length;
  }

  /** The first line from `from` on that matches; rejects, naming what was awaited and the last lines, if the child exits or the limit passes. */
  async waitFor(what: string, pred: (l: LogLine) => boolean, opts: { from?: number; limitMs?: number } = {}): Promise<LogLine> {
    const deadline = Date.now() + (opts.limitMs ?? LIMIT_MS);
    let exited = false;
    void this.exited.then(() => (exited = true));
    for (let i = opts.from ?? 0; ; ) {
      for (; i < this.lines.length; i++) if (pred(this.lines[i]!)) return this.lines[i]!;
      if (exited) throw new Error(`brain run exited while waiting for ${what}\n${this.tail()}`);
      if (Date.now() > deadline) throw new Error(`no ${what} within ${opts.limitMs ?? LIMIT_MS} ms\n${this.tail()}`);
      await new Promise<void>((resolve) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        timer = setTimeout(wake, Math.max(0, deadline - Date.now()) + 1);
        this.waiters.add(wake);
      });
    }
  }

  /** Lines with this message from `from` on. */
  messages(msg: string, from = 0): LogLine[] {
    return this.lines.slice(from).filter((l) => l.msg === msg);
  }

  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }

  /** The last lines, for a failure message. */
  tail(n = 25): string {
    const out = this.lines.slice(-n).map((l) => `  ${JSON.stringify(l).slice(0, 400)}`);
    return [...out, ...this.stderr.slice(-10).map((l) => `  stderr: ${l}`)].join('\n');
  }

  private take(text: string): void {
    try {
      const line = JSON.parse(text) as LogLine;
      if (typeof line.msg === 'string') this.lines.push(line);
    } catch {
      this.stderr.push(text);
    }
    this.wake();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}
