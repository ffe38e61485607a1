/**
 * The static gates in a process of their own, for the daemon: the TypeScript compiler and esbuild take
 * ~100 MB once loaded, and a V8 heap never gives that back to the system, so a daemon that ran them
 * in-process for one night would carry them until it restarts. Here they live in a forked process that
 * starts on the first gate of a night and is ended once no gate has been asked for `idleMs`: the memory
 * goes with it. Same GateInput in, same GateOutcome out as the in-process pipeline; a process that
 * dies or stalls fails the run (the candidate fails closed, DESIGN inv. 5) and the next run starts a
 * fresh one. It starts from the build's startup snapshot when one is usable (snapshot.ts: the compiler
 * loaded and the library parsed, ~0.1 s to ready), else from child-main.ts. `brain backtest` gates a new
 * strategy file here too, so its types are checked while its own thread parses the candles.
 */
import { fork, spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { nodeEntry } from '../../build/runtime.ts';
import { SandboxError } from '../errors.ts';
import { usableGateSnapshot } from './snapshot.ts';
import type { ParamSlotsResult } from './param-slots.ts';
import type { GateOutcome } from './pipeline.ts';
import type { GateInput } from './types.ts';

/** What the gate process is asked: the gates on a source, or where its parameter defaults are written. */
export type GateRequest = { id: number; op: 'gate'; input: GateInput } | { id: number; op: 'paramSlots'; source: string };

export type GateReply = { id: number; ok: true; result: GateOutcome | ParamSlotsResult } | { id: number; ok: false; message: string };

type ChildMessage = GateReply | { ready: true };

export interface GateProcessLimits {
  /** Ends the process once no gate has been asked for this long (wall ms). */
  idleMs: number;
  /** A run (its share of the process's start included) that takes longer kills the process. */
  deadlineMs: number;
}

/** A night's gates come seconds to a minute apart (backtests between them); two quiet minutes end the process. */
export const DEFAULT_GATE_PROCESS_LIMITS: GateProcessLimits = { idleMs: 120_000, deadlineMs: 120_000 };

interface Waiter {
  resolve(result: GateOutcome | ParamSlotsResult): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class GateProcess {
  private proc: ChildProcess | null = null;
  private procFrom: 'snapshot' | 'fork' = 'fork';
  private ready: Promise<void> | null = null;
  private nextId = 1;
  private readonly waiters = new Map<number, Waiter>();
  private idle: NodeJS.Timeout | null = null;
  private stderr = '';

  /** `snapshot`: the startup snapshot to start from, or null for none; default: the build's, when usable (snapshot.ts). */
  constructor(
    private readonly repoRoot: string,
    private readonly limits: GateProcessLimits = DEFAULT_GATE_PROCESS_LIMITS,
    private snapshot?: string | null,
  ) {}

  /** What the running gate process was started from: the build's snapshot or a fork of child-main.ts (for tests and logs). */
  get startedFrom(): 'snapshot' | 'fork' | undefined {
    return this.proc ? this.procFrom : undefined;
  }

  /** The pid of the gate process while one runs (for tests and the soak's RSS samples). */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  run(input: GateInput): Promise<GateOutcome> {
    return this.call({ id: this.nextId++, op: 'gate', input }) as Promise<GateOutcome>;
  }

  paramSlots(source: string): Promise<ParamSlotsResult> {
    return this.call({ id: this.nextId++, op: 'paramSlots', source }) as Promise<ParamSlotsResult>;
  }

  private async call(request: GateRequest): Promise<GateOutcome | ParamSlotsResult> {
    if (this.idle) clearTimeout(this.idle), (this.idle = null);
    const id = request.id;
    const outcome = new Promise<GateOutcome | ParamSlotsResult>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(`no verdict within ${this.limits.deadlineMs} ms; the gate process was killed`), this.limits.deadlineMs);
      this.waiters.set(id, { resolve, reject, timer });
    });
    // Awaited below, unless the process fails to start first: then that failure is the one thrown.
    outcome.catch(() => undefined);
    try {
      await this.start();
      this.proc?.send(request);
      return await outcome;
    } finally {
      this.settled(id);
    }
  }

  /** Ends the process now (a run in flight fails); the next run starts another. */
  async close(): Promise<void> {
    if (this.idle) clearTimeout(this.idle), (this.idle = null);
    const p = this.proc;
    this.proc = null;
    this.ready = null;
    this.rejectAll('the gate process was closed');
    if (p && p.exitCode === null && p.signalCode === null) {
      const exited = new Promise<void>((r) => p.once('exit', () => r()));
      p.kill('SIGTERM');
      await exited;
    }
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const snapshot = this.snapshot === undefined ? usableGateSnapshot(this.repoRoot) : this.snapshot;
    const ready: Promise<void> = this.launch(snapshot).catch((err: unknown) => {
      if (!snapshot || this.ready !== ready) throw err;
      // V8 could not start from the snapshot (damaged, or another build's): the forked entry, from now on.
      this.snapshot = null;
      return this.launch(null);
    });
    ready.catch(() => undefined);
    this.ready = ready;
    return ready;
  }

  /** One gate process, from `snapshot` or forked; resolves once it is ready for requests. */
  private launch(snapshot: string | null): Promise<void> {
    this.stderr = '';
    const options = {
      cwd: this.repoRoot,
      // Secrets never leave (DESIGN inv. 7): the gates read files of the checkout and need no variable.
      env: {},
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'] as StdioOptions,
      // Structured clone: a parameter's open range is ±Infinity, which JSON would turn into null.
      serialization: 'advanced' as const,
    };
    const entry = nodeEntry('gate-child');
    const proc = snapshot
      ? spawn(process.execPath, ['--snapshot-blob', snapshot, this.repoRoot], options)
      : fork(entry.file, [this.repoRoot], { ...options, execArgv: entry.execArgv });
    proc.stderr!.on('data', (b: Buffer) => (this.stderr = (this.stderr + b.toString('utf8')).slice(-2000)));
    // A failed spawn or a send on a closed channel: without a listener, an 'error' event would crash the daemon.
    proc.on('error', (err) => this.fail(`the gate process failed: ${err.message}`));
    this.proc = proc;
    this.procFrom = snapshot ? 'snapshot' : 'fork';
    return new Promise<void>((resolve, reject) => {
      let up = false;
      proc.on('message', (m: ChildMessage) => {
        if ('ready' in m) return resolve(void (up = true));
        const w = this.waiters.get(m.id);
        if (!w) return;
        if (m.ok) w.resolve(m.result);
        else w.reject(new SandboxError('guest_error', `the gates failed: ${m.message}`, false));
      });
      proc.on('exit', (code, signal) => {
        const why = `the gate process exited (${signal ?? `code ${code}`}) ${this.stderr.trim().split('\n').slice(-3).join(' | ')}`.trim();
        reject(new SandboxError('child_exited', why, true));
        if (this.proc !== proc) return;
        this.proc = null;
        // Gone from a snapshot before it was up: start() forks the entry instead, and the runs wait for that one.
        if (up || !snapshot) (this.ready = null), this.rejectAll(why);
      });
    });
  }

  private settled(id: number): void {
    const w = this.waiters.get(id);
    if (w) clearTimeout(w.timer);
    this.waiters.delete(id);
    if (this.waiters.size > 0 || !this.proc) return;
    this.idle = setTimeout(() => void this.close(), this.limits.idleMs);
    // An idle gate process never keeps the parent alive (a CLI run ends when its work does).
    this.idle.unref();
  }

  private fail(why: string): void {
    this.rejectAll(why);
    void this.close();
  }

  private rejectAll(why: string): void {
    for (const [id, w] of this.waiters) {
      clearTimeout(w.timer);
      this.waiters.delete(id);
      w.reject(new SandboxError('child_exited', why, true));
    }
  }
}
