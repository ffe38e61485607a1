/**
 * Host side of the framing (see child/frames-child.ts for the layout). The decoder refuses any reply
 * longer than the caller's cap before buffering it, so a flood of output costs the host nothing.
 */
import { SandboxError } from '../errors.ts';

export function encodeRequest(header: unknown, payload?: Float64Array): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const body = payload ? Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength) : Buffer.alloc(0);
  const lens = Buffer.alloc(8);
  lens.writeUInt32LE(json.length, 0);
  lens.writeUInt32LE(body.length, 4);
  return Buffer.concat([lens, json, body]);
}

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Feeds bytes from the child; returns complete frames as text. Throws on an oversized frame. */
  push(chunk: Buffer, maxBytes: number): string[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: string[] = [];
    for (;;) {
      if (this.buffered < 4) return frames;
      const all = this.flatten();
      const len = all.readUInt32LE(0);
      if (len > maxBytes) throw new SandboxError('output_too_large', `child reply of ${len} bytes exceeds the ${maxBytes}-byte cap`, false);
      if (all.length < 4 + len) return frames;
      frames.push(all.toString('utf8', 4, 4 + len));
      this.chunks = [all.subarray(4 + len)];
      this.buffered = all.length - 4 - len;
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
