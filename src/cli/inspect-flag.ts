/**
 * `--inspect [PORT]` for `brain run` and `brain demo`: a flag whose value is optional, which node's
 * parseArgs cannot express, so it is taken out of the arguments first: `--inspect` (port 8080),
 * `--inspect 9000`, `--inspect=9000`; `--inspect 0` takes a free port.
 */
import { DEFAULT_INSPECT_PORT } from '../inspect/index.ts';
import { UsageError } from './command.ts';

export const INSPECT_USAGE = `  --inspect [PORT]         serve the Stately inspector for the live actor tree on 127.0.0.1:PORT (default ${DEFAULT_INSPECT_PORT};
                           loopback only: from another machine use an SSH tunnel); prints the URL to open`;

/** The inspector port (null without the flag) and the other arguments. */
export function takeInspectFlag(args: readonly string[]): { port: number | null; rest: string[] } {
  const rest: string[] = [];
  let port: number | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const inline = a.startsWith('--inspect=') ? a.slice('--inspect='.length) : undefined;
    if (a !== '--inspect' && inline === undefined) {
      rest.push(a);
      continue;
    }
    const next = args[i + 1];
    const value = inline ?? (next !== undefined && /^\d+$/.test(next) ? (i++, next) : undefined);
    port = value === undefined ? DEFAULT_INSPECT_PORT : Number(value);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--inspect takes a port 0..65535 (0 = a free one), got "${value}"`);
  }
  return { port, rest };
}
