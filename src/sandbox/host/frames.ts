/**
 * Host side of the framing (see child/frames-child.ts for the layout). The decoder refuses any reply
 * longer than the caller's cap before buffering it, so a flood of output costs the host nothing.
 */
import { SandboxError } from '../errors.ts';

/**
 * A request as its head (lengths + JSON) and its payload, a view of the caller's floats: written one
 * after the other, a dataset (38 MB for a 9-pair year) crosses to the child without being copied.
 */
export function requestParts(header: unknown, payload?: Float64Array): [Buffer, Buffer] {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const body = payload ? Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength) : Buffer.alloc(0);
  const head = Buffer.alloc(8 + json.length);
  head.writeUInt32LE(json.length, 0);
  head.writeUInt32LE(body.length, 4);
  json.copy(head, 8);
  return [head, body];
}

/** One frame from the child: its JSON text and, when it carried one, its float payload. */
export interface ChildFrame {
  readonly text: string;
  readonly payload: Float64Array | null;
}

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Feeds bytes from the child; returns complete frames. Throws on an oversized or misaligned frame. */
  push(chunk: Buffer, maxBytes: number): ChildFrame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: ChildFrame[] = [];
    for (;;) {
      if (this.buffered < 8) return frames;
      const all = this.flatten();
      const len = all.readUInt32LE(0);
      const extra = all.readUInt32LE(4);
      if (len + extra > maxBytes) throw new SandboxError('output_too_large', `child reply of ${len + extra} bytes exceeds the ${maxBytes}-byte cap`, false);
      if (extra % 8 !== 0) throw new SandboxError('bad_frame', `child payload of ${extra} bytes is not whole float64 values`, false);
      if (all.length < 8 + len + extra) return frames;
      const end = 8 + len + extra;
      // A copy: the payload must start on an 8-byte boundary, and the chunk buffer is reused.
      const payload = extra > 0 ? new Float64Array(new Uint8Array(all.subarray(8 + len, end)).buffer) : null;
      frames.push({ text: all.toString('utf8', 8, 8 + len), payload });
      this.chunks = [all.subarray(end)];
      this.buffered = all.length - end;
    }
  }

  /** Bytes already received beyond complete frames (unsolicited output is a protocol violation). */
  get pending(): number {
    return this.buffered;
  }

  private flatten(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }
}
