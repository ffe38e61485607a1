import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';
import type { CliIo } from '../../src/cli/command.ts';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export interface FakeIo extends CliIo {
  out: () => string;
  err: () => string;
  /** Resolves when the command starts waiting for shutdown. */
  waiting: Promise<void>;
  /** Plays the operator's SIGINT/SIGTERM. */
  stop(signal?: string): void;
}

/** A CliIo over a throwaway working directory holding `files`, capturing output. */
export function fakeIo(files: Record<string, string> = {}, env: Record<string, string> = {}): FakeIo {
  const cwd = mkdtempSync(join(tmpdir(), 'brain-cli-'));
  made.push(cwd);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(cwd, name)), { recursive: true });
    writeFileSync(join(cwd, name), text);
  }
  const out: string[] = [];
  const err: string[] = [];
  let markWaiting!: () => void;
  let stop!: (signal: string) => void;
  const waiting = new Promise<void>((r) => (markWaiting = r));
  const stopped = new Promise<string>((r) => (stop = r));
  return {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    env,
    cwd,
    stdoutIsTTY: false,
    waitForShutdown: () => {
      markWaiting();
      return stopped;
    },
    out: () => out.join(''),
    err: () => err.join(''),
    waiting,
    stop: (signal = 'SIGTERM') => stop(signal),
  };
}
