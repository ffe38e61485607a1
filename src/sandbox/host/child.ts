/**
 * One Deno child: spawn in an empty directory, one request in flight at a time, a deadline per call
 * (SIGKILL on expiry), a cap on frame size, and any unsolicited byte treated as a protocol violation.
 * Knows nothing about strategies: JSON (+ floats) in; out, JSON replies, before which a request that
 * asked for them may receive `progress` frames (+ floats).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { SandboxError } from '../errors.ts';
import { exitCause } from './exit-cause.ts';
import { FrameDecoder, requestParts, type ChildFrame } from './frames.ts';
import { childCommand, childEnvironment, type Isolation, type SpawnLimits } from './spawn.ts';

export interface CallLimits {
  deadlineMs: number;
  maxReplyBytes: number;
}

/** Takes one `progress` frame of the request in flight; a throw fails the request and kills the child. */
export type ProgressFn = (message: Record<string, unknown>, payload: Float64Array) => void;

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
  maxReplyBytes: number;
  onProgress?: ProgressFn;
}

const STDERR_KEEP = 4096;

export class SandboxChild {
  private readonly proc: ChildProcessByStdio<Writable, Readable, Readable>;
  private readonly dir: string;
  private readonly decoder = new FrameDecoder();
  private pending: Pending | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** The first and last STDERR_KEEP characters: a fatal line comes early, a stack trace can follow it at length. */
  private stderrHead = '';
  private stderrTail = '';
  private exitInfo: string | null = null;
  private killed = false;

  /** `environment`: what the child's environment starts from before the pins (childEnvironment); nothing by default. */
  constructor(script: string, limits: SpawnLimits, iso: Isolation, readyLimits: CallLimits, environment: Readonly<Record<string, string>> = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'brain-sbx-'));
    const scriptPath = join(this.dir, 'main.js');
    const cwd = join(this.dir, 'cwd');
    writeFileSync(scriptPath, script, { mode: 0o444 });
    mkdirSync(cwd);
    chmodSync(cwd, 0o555);
    chmodSync(this.dir, 0o755);
    const [cmd, ...args] = childCommand(scriptPath, limits, iso);
    this.proc = spawn(cmd!, args, { cwd, env: childEnvironment(environment), stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.proc.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (this.stderrHead.length < STDERR_KEEP) this.stderrHead = (this.stderrHead + text).slice(0, STDERR_KEEP);
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_KEEP);
    });
    this.proc.stdin.on('error', () => undefined); // EPIPE after a crash surfaces through 'exit'
    this.proc.on('exit', (code, signal) => this.onExit(code, signal));
    // Kept as readyPromise: ready() hands it to the first caller.
    void this.arm(readyLimits);
  }

  /** The first reply ({kind:'ready'} or an error) the child sends after loading the module. */
  ready(): Promise<unknown> {
    return this.enqueue(() => this.current());
  }

  request(header: unknown, payload: Float64Array | undefined, limits: CallLimits, onProgress?: ProgressFn): Promise<unknown> {
    return this.enqueue(() => {
      if (this.exitInfo !== null) throw this.exitedError();
      const done = this.arm(limits, onProgress);
      const [head, body] = requestParts(header, payload);
      this.proc.stdin.write(head);
      if (body.length > 0) this.proc.stdin.write(body);
      return done;
    });
  }

  /** False as soon as a kill is sent: the 'exit' event arrives later, and no request may go out meanwhile. */
  get alive(): boolean {
    return this.exitInfo === null && !this.killed;
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get stderr(): string {
    return this.stderrHead.length < STDERR_KEEP ? this.stderrHead : `${this.stderrHead}\n…\n${this.stderrTail}`;
  }

  kill(): void {
    this.killed = true;
    if (this.exitInfo === null) this.proc.kill('SIGKILL');
  }

  /** Graceful stop: closing stdin makes the runner exit 0; SIGKILL if it does not within `graceMs`. */
  async close(graceMs = 500): Promise<void> {
    if (this.exitInfo === null) {
      const exited = new Promise<void>((r) => this.proc.once('exit', () => r()));
      this.proc.stdin.end();
      const t = setTimeout(() => this.kill(), graceMs);
      await exited;
      clearTimeout(t);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private readyPromise: Promise<unknown> | null = null;

  private current(): Promise<unknown> {
    return this.readyPromise ?? Promise.reject(this.exitedError());
  }

  private enqueue<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private arm(limits: CallLimits, onProgress?: ProgressFn): Promise<unknown> {
    const p = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new SandboxError('deadline', `child missed its ${limits.deadlineMs} ms deadline and was killed`, true));
        this.kill();
      }, limits.deadlineMs);
      this.pending = { resolve, reject, timer, maxReplyBytes: limits.maxReplyBytes, onProgress };
    });
    if (this.readyPromise === null) this.readyPromise = p;
    return p;
  }

  private onData(chunk: Buffer): void {
    let frames: ChildFrame[];
    try {
      frames = this.decoder.push(chunk, this.pending?.maxReplyBytes ?? 1024);
    } catch (err) {
      this.fail(err as SandboxError);
      this.kill();
      return;
    }
    for (const frame of frames) this.deliver(frame);
  }

  private deliver(frame: ChildFrame): void {
    const p = this.pending;
    if (!p) {
      this.violation('child wrote output nobody asked for');
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(frame.text);
    } catch {
      this.violation(`child reply is not JSON: ${frame.text.slice(0, 80)}`);
      return;
    }
    if (isProgress(value)) {
      if (!p.onProgress) {
        this.violation('child sent progress for a request that takes none');
        return;
      }
      try {
        p.onProgress(value, frame.payload ?? new Float64Array(0));
      } catch (err) {
        this.fail(err instanceof Error ? err : new SandboxError('guest_error', String(err), false));
        this.kill();
      }
      return;
    }
    if (frame.payload !== null) {
      this.violation('child reply carries a payload');
      return;
    }
    clearTimeout(p.timer);
    this.pending = null;
    p.resolve(value);
  }

  private violation(message: string): void {
    this.fail(new SandboxError('bad_frame', message, false));
    this.kill();
  }

  private fail(err: Error): void {
    const p = this.pending;
    if (!p) return;
    clearTimeout(p.timer);
    this.pending = null;
    p.reject(err);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exitInfo = signal ? `signal ${signal}` : `code ${code}`;
    this.fail(this.exitedError());
  }

  private exitedError(): SandboxError {
    const cause = exitCause(this.stderr);
    return new SandboxError('child_exited', `sandbox child exited (${this.exitInfo ?? 'not started'})${cause ? `: ${cause}` : ''}`, true);
  }
}

function isProgress(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'progress';
}
