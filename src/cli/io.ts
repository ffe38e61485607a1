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
 * always get out of a shutdown that hangs (as close-with-grace does).
 */
export function waitForSignal(source: SignalSource = process): Promise<string> {
  return new Promise((resolve) => {
    // A pending promise does not keep Node running; this timer does, until a signal arrives.
    const keepAlive = setInterval(() => {}, 2 ** 30);
    const second = (signal: string) => {
      source.stderr.write(`second ${signal}, exiting now\n`);
      source.exit(1);
    };
    const first = (signal: string) => {
      clearInterval(keepAlive);
      for (const s of SHUTDOWN_SIGNALS) {
        source.off(s, first);
        source.once(s, second);
      }
      resolve(signal);
    };
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
    waitForShutdown: () => waitForSignal(process),
  };
}
