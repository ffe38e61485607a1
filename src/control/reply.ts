/**
 * What an operation answers, independent of where it is shown: a list of blocks that the Telegram
 * formatter turns into entities (tables in monospace, chunked under 4096) and the CLI into plain text.
 * `ok: false` is an expected refusal (bad input, a missing part, a state that does not allow it), never
 * an exception; `outcome` is the short word the audit log keeps.
 */

export type Block =
  | { kind: 'title'; text: string }
  | { kind: 'text'; text: string }
  /** Label/value lines, aligned in monospace. */
  | { kind: 'fields'; rows: ReadonlyArray<readonly [string, string]> }
  /** A table in monospace; numbers are right-aligned. */
  | { kind: 'table'; header: readonly string[]; rows: ReadonlyArray<readonly string[]> }
  /** Preformatted text: a diff, source, log lines. */
  | { kind: 'code'; text: string }
  | { kind: 'image'; png: Uint8Array; name: string; caption: string };

export interface Reply {
  ok: boolean;
  /** One word for the audit log: done, refused, invalid, unavailable, … */
  outcome: string;
  blocks: Block[];
}

export const title = (text: string): Block => ({ kind: 'title', text });
export const text = (t: string): Block => ({ kind: 'text', text: t });
export const fields = (rows: ReadonlyArray<readonly [string, string]>): Block => ({ kind: 'fields', rows });
export const table = (header: readonly string[], rows: ReadonlyArray<readonly string[]>): Block => ({ kind: 'table', header, rows });
export const code = (t: string): Block => ({ kind: 'code', text: t });
export const image = (png: Uint8Array, name: string, caption: string): Block => ({ kind: 'image', png, name, caption });

export function done(...blocks: Block[]): Reply {
  return { ok: true, outcome: 'done', blocks };
}

/** An expected refusal: what stopped it and what to do instead, in one or two sentences. */
export function refused(outcome: string, message: string, ...more: Block[]): Reply {
  return { ok: false, outcome, blocks: [text(message), ...more] };
}

/** A command whose part of the daemon is not built yet: says so plainly, and what to use meanwhile. */
export function unavailable(what: string, meanwhile?: string): Reply {
  return refused('unavailable', `${what} is not built yet.${meanwhile ? ` ${meanwhile}` : ''}`);
}

/** Right-aligns a column when every cell in it reads as a number (money, counts, percentages). */
function numeric(cells: readonly string[]): boolean {
  return cells.length > 0 && cells.every((c) => /^[-+$]?[-+$]?[\d,.]+[%x]?$|^-$/.test(c.trim()));
}

/** A monospace table: columns padded to the widest cell, numbers right-aligned, a rule under the header. */
export function tableText(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const right = header.map((_, c) => numeric(rows.map((r) => r[c] ?? '')));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (right[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Label/value lines with the labels padded to one width. */
export function fieldsText(rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(0, ...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

/** Plain text of a reply (the CLI, logs, tests): images become a line naming them. */
export function replyText(r: Reply): string {
  return r.blocks
    .map((b) => {
      switch (b.kind) {
        case 'title':
        case 'text':
        case 'code':
          return b.text;
        case 'fields':
          return fieldsText(b.rows);
        case 'table':
          return tableText(b.header, b.rows);
        case 'image':
          return `[image ${b.name}: ${b.caption}]`;
      }
    })
    .join('\n\n');
}
