/**
 * Child side of the framing: frames both ways are [u32 LE header bytes][u32 LE payload bytes][JSON][f64s].
 * Blocking reads and writes keep the child free of promises and timers.
 */
import type { ChildIo } from './lockdown.ts';

export interface InFrame {
  header: Record<string, unknown>;
  payload: Float64Array;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function readExactly(io: ChildIo, n: number): Uint8Array | null {
  const buf = new Uint8Array(n);
  let off = 0;
  while (off < n) {
    const got = io.readSync(buf.subarray(off));
    if (got === null || got === 0) return null;
    off += got;
  }
  return buf;
}

/** Returns null on end of input (the host closed stdin: time to exit). */
export function readFrame(io: ChildIo): InFrame | null {
  const lens = readExactly(io, 8);
  if (!lens) return null;
  const view = new DataView(lens.buffer);
  const headerLen = view.getUint32(0, true);
  const payloadLen = view.getUint32(4, true);
  const header = readExactly(io, headerLen);
  const payload = payloadLen > 0 ? readExactly(io, payloadLen) : new Uint8Array(0);
  if (!header || !payload) return null;
  // A fresh buffer: byteOffset 0 and a multiple of 8, so the Float64Array view is valid.
  return { header: JSON.parse(decoder.decode(header)) as Record<string, unknown>, payload: new Float64Array(payload.buffer, 0, payloadLen / 8) };
}

export function writeFrame(io: ChildIo, message: unknown, payload?: Float64Array): void {
  const body = encoder.encode(JSON.stringify(message));
  const extra = payload ? payload.byteLength : 0;
  const out = new Uint8Array(8 + body.length + extra);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length, true);
  view.setUint32(4, extra, true);
  out.set(body, 8);
  if (payload) out.set(new Uint8Array(payload.buffer, payload.byteOffset, extra), 8 + body.length);
  let off = 0;
  while (off < out.length) off += io.writeSync(out.subarray(off));
}
