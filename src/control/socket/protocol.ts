/**
 * The local control channel's wire format: one JSON request line from the `brain` CLI, one JSON answer
 * line from the daemon, then the connection closes. Images travel as base64. Both sides validate with
 * zod; a malformed frame is answered with an error naming what was wrong, and nothing runs.
 */
import { z } from 'zod';
import type { Execution } from '../execute.ts';
import type { Block, Reply } from '../reply.ts';

export const PROTOCOL_VERSION = 1;
/** A request is a command line, never a payload: anything longer is refused unread. */
export const MAX_REQUEST_BYTES = 16_384;

export const RequestSchema = z.strictObject({
  v: z.literal(PROTOCOL_VERSION),
  name: z.string().min(1).max(40),
  words: z.array(z.string().max(500)).max(10),
  /** The OS user of the CLI, for the audit log. */
  user: z.string().min(1).max(64),
  confirmed: z.boolean(),
});
export type ControlRequest = z.infer<typeof RequestSchema>;

const BlockSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.enum(['title', 'text', 'code']), text: z.string() }),
  z.strictObject({ kind: z.literal('fields'), rows: z.array(z.tuple([z.string(), z.string()])) }),
  z.strictObject({ kind: z.literal('table'), header: z.array(z.string()), rows: z.array(z.array(z.string())) }),
  z.strictObject({ kind: z.literal('image'), png: z.base64(), name: z.string(), caption: z.string() }),
]);

export const ResponseSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    v: z.literal(PROTOCOL_VERSION),
    kind: z.literal('reply'),
    reply: z.strictObject({ ok: z.boolean(), outcome: z.string(), blocks: z.array(BlockSchema) }),
  }),
  z.strictObject({ v: z.literal(PROTOCOL_VERSION), kind: z.literal('confirm'), question: z.string() }),
  z.strictObject({ v: z.literal(PROTOCOL_VERSION), kind: z.literal('error'), message: z.string() }),
]);
export type ControlResponse = z.infer<typeof ResponseSchema>;

type WireBlock = z.infer<typeof BlockSchema>;

/** Blocks are plain JSON already; only an image's bytes become base64. */
function blockToWire(b: Block): WireBlock {
  return b.kind === 'image' ? { ...b, png: Buffer.from(b.png).toString('base64') } : (b as unknown as WireBlock);
}

export function toWire(e: Execution): ControlResponse {
  if (e.kind === 'confirm') return { v: PROTOCOL_VERSION, kind: 'confirm', question: e.question };
  return { v: PROTOCOL_VERSION, kind: 'reply', reply: { ok: e.reply.ok, outcome: e.reply.outcome, blocks: e.reply.blocks.map(blockToWire) } };
}

export function replyFromWire(r: Extract<ControlResponse, { kind: 'reply' }>['reply']): Reply {
  const blocks = r.blocks.map((b): Block => (b.kind === 'image' ? { ...b, png: new Uint8Array(Buffer.from(b.png, 'base64')) } : (b as Block)));
  return { ok: r.ok, outcome: r.outcome, blocks };
}
