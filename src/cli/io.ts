/** The real process behind CliIo: stdout/stderr, env, cwd, and SIGINT/SIGTERM as the shutdown request. */
import type { CliIo, OutputStream } from './command.ts';

/** The parts of `process` the signal wait uses, so tests can play it with an EventEmitter. */
export interface SignalSource {
  on(event: string, listener: (signal: string) => void): unknown;
  off(event: string, listener: (signal: string) => void): unknown;
  once(event: string, listener: (signal: string) => void): unknown;
  exit(code: number): unknown;
  stderr: OutputStream;
}

export const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Resolves on the first SIGINT/SIGTERM. A second one exits at once with code 1, so an operator can
 * always get out of a shutdown that hangs (as close-with-grace does). Nothing here keeps the process
 * alive: a running daemon does (its sockets and timers), and once it has failed and let go of them the
 * process exits. `stop` (the command is over without a signal) removes the listeners; the promise
 * then never resolves.
 */
export function waitForSignal(source: SignalSource = process, stop?: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    const second = (signal: string) => {
      source.stderr.write(`second ${signal}, exiting now\n`);
      source.exit(1);
    };
    const first = (signal: string) => {
      stop?.removeEventListener('abort', forget);
      for (const s of SHUTDOWN_SIGNALS) {
        source.off(s, first);
        source.once(s, second);
      }
      resolve(signal);
    };
    const forget = () => {
      for (const s of SHUTDOWN_SIGNALS) source.off(s, first);
    };
    if (stop?.aborted) return;
    stop?.addEventListener('abort', forget, { once: true });
    for (const s of SHUTDOWN_SIGNALS) source.on(s, first);
  });
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    stdoutIsTTY: process.stdout.isTTY === true,
    waitForShutdown: (stop) => waitForSignal(process, stop),
  };
}
