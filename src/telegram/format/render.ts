/**
 * A command's Reply as Telegram messages: formatting by entities (parse-mode's FormattedString, so a
 * price or a pair name is never escaped by hand), titles in bold, tables, fields and code in monospace
 * (`pre`), every text cut under Telegram's 4096 characters at line boundaries, images as photos.
 */
import { FormattedString } from '@grammyjs/parse-mode';
import type { MessageEntity } from 'grammy/types';
import { fieldsText, tableText, type Block, type Reply } from '../../control/reply.ts';

/** Telegram's limit on a message's text after entity parsing, in UTF-16 code units (JS string length). */
export const MAX_MESSAGE = 4096;
export const MAX_CAPTION = 1024;

export type OutgoingPart =
  | { kind: 'text'; text: string; entities: MessageEntity[] }
  | { kind: 'photo'; png: Uint8Array; caption: string; entities: MessageEntity[] };

function formatted(b: Exclude<Block, { kind: 'image' }>): FormattedString {
  switch (b.kind) {
    case 'title':
      return FormattedString.bold(b.text);
    case 'text':
      return new FormattedString(b.text);
    case 'fields':
      return FormattedString.pre(fieldsText(b.rows));
    case 'table':
      return FormattedString.pre(tableText(b.header, b.rows));
    case 'code':
      return FormattedString.pre(b.text);
  }
}

/** Where to cut `text` at or before `start + max`: after the last line break, else at `max` (never inside a surrogate pair). */
function cutAt(text: string, start: number, max: number): { end: number; next: number } {
  const limit = start + max;
  const newline = text.lastIndexOf('\n', limit);
  if (newline > start) return { end: newline, next: newline + 1 };
  const code = text.charCodeAt(limit - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
  return { end, next: end };
}

/** Cuts a formatted text into pieces of at most `max` characters, at line boundaries where there is one. */
export function chunk(text: FormattedString, max = MAX_MESSAGE): FormattedString[] {
  const raw = text.rawText;
  const out: FormattedString[] = [];
  let start = 0;
  while (start < raw.length) {
    while (raw[start] === '\n') start += 1;
    if (start >= raw.length) break;
    if (raw.length - start <= max) {
      out.push(text.slice(start));
      break;
    }
    const { end, next } = cutAt(raw, start, max);
    if (end > start) out.push(text.slice(start, end));
    start = next;
  }
  return out;
}

/** The messages a reply becomes: text chunks in block order, a photo for each image (caption cut to fit). */
export function renderReply(reply: Reply, max = MAX_MESSAGE): OutgoingPart[] {
  const parts: OutgoingPart[] = [];
  let pending: FormattedString[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    for (const piece of chunk(FormattedString.join(pending, '\n\n'), max)) parts.push({ kind: 'text', text: piece.text, entities: piece.entities });
    pending = [];
  };
  for (const b of reply.blocks) {
    if (b.kind !== 'image') {
      pending.push(formatted(b));
      continue;
    }
    flush();
    const caption = chunk(new FormattedString(b.caption), MAX_CAPTION)[0] ?? new FormattedString('');
    parts.push({ kind: 'photo', png: b.png, caption: caption.text, entities: caption.entities });
  }
  flush();
  return parts;
}
