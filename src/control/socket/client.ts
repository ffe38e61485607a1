/**
 * The `brain` CLI's side of the control channel: one request to the running daemon's socket, one answer.
 * No daemon (no socket file, or nobody listening on a leftover one) is `null`, so the CLI can fall back
 * to the database; any other failure is an error that says what went wrong.
 */
import { connect } from 'node:net';
import { PROTOCOL_VERSION, ResponseSchema, type ControlRequest, type ControlResponse } from './protocol.ts';
import { BrainError } from '../../contract/errors.ts';

const NOT_LISTENING = new Set(['ENOENT', 'ECONNREFUSED']);
/** A reply is text plus at most a chart or two. */
const MAX_RESPONSE_CHARS = 32 * 1024 * 1024;

/** A failure of the control channel itself (not a refusal by the daemon, which is an answer). */
export function controlError(code: string, message: string, retryable: boolean): BrainError {
  return new BrainError(message, { domain: 'control', code, retryable });
}

export function callDaemon(path: string, request: Omit<ControlRequest, 'v'>, timeoutMs: number): Promise<ControlResponse | null> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let data = '';
    let connected = false;
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(controlError('timeout', `the daemon did not answer on ${path} within ${Math.round(timeoutMs / 1000)} s; it may be busy: try again`, true)),
    );
    socket.on('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify({ v: PROTOCOL_VERSION, ...request })}\n`);
    });
    socket.on('data', (chunk: string) => {
      data += chunk;
      if (data.length > MAX_RESPONSE_CHARS)
        socket.destroy(
          controlError('answer_too_large', `the daemon's answer on ${path} passed ${MAX_RESPONSE_CHARS} characters; ask for less (a shorter range)`, false),
        );
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected && err.code && NOT_LISTENING.has(err.code)) resolve(null);
      else reject(err);
    });
    socket.on('end', () => {
      const parsed = (() => {
        try {
          return ResponseSchema.safeParse(JSON.parse(data));
        } catch {
          return null;
        }
      })();
      if (parsed?.success) resolve(parsed.data);
      else
        reject(
          controlError(
            'unreadable_answer',
            `the daemon on ${path} answered something this CLI cannot read (${data.slice(0, 80)}); is it another version?`,
            false,
          ),
        );
    });
  });
}
