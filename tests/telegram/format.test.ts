/**
 * Messages by entities, cut under Telegram's 4096 characters at line boundaries: a 20,000-character
 * reply arrives whole, in order, each piece within the limit, with its monospace kept.
 */
import { FormattedString } from '@grammyjs/parse-mode';
import { describe, expect, it } from 'vitest';
import { code, done, fields, image, table, text, title } from '../../src/control/reply.ts';
import { chunk, MAX_MESSAGE, renderReply } from '../../src/telegram/format/render.ts';
import { seedWorld, thoughtOf } from '../control/world.ts';
import { ADMIN_ID, startHarness } from './harness.ts';

describe('chunking', () => {
  it('cuts a 20,000-character reply at line boundaries, each piece under 4096, nothing lost or reordered', () => {
    const body = thoughtOf(20_000);
    const parts = renderReply(done(title('Thought 1'), code(body)));
    expect(parts.length).toBe(5);
    for (const p of parts) {
      expect(p.kind).toBe('text');
      if (p.kind !== 'text') continue;
      expect(p.text.length).toBeLessThanOrEqual(MAX_MESSAGE);
      expect(p.text.endsWith('\n')).toBe(false);
    }
    const texts = parts.map((p) => (p.kind === 'text' ? p.text : ''));
    expect(texts.join('\n')).toBe(`Thought 1\n\n${body}`);
    // Every piece after the first is monospace from its first to its last character.
    for (const p of parts.slice(1)) if (p.kind === 'text') expect(p.entities).toEqual([{ type: 'pre', offset: 0, length: p.text.length }]);
  });

  it('a single line longer than the limit is cut at the limit, never inside a surrogate pair', () => {
    const line = `${'x'.repeat(9)}${'😀'.repeat(3000)}`;
    const pieces = chunk(new FormattedString(line), 10);
    expect(pieces[0]!.rawText).toBe('x'.repeat(9));
    expect(pieces.map((p) => p.rawText).join('')).toBe(line);
    expect(pieces.every((p) => p.rawText.length <= 10 && !/^[\udc00-\udfff]/.test(p.rawText))).toBe(true);
  });

  it('titles are bold, fields and tables monospace, images become photos between the texts', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const parts = renderReply(done(title('T'), fields([['a', '1']]), image(png, 'x.png', 'cap'), table(['h'], [['1']]), text('end')));
    expect(parts.map((p) => p.kind)).toEqual(['text', 'photo', 'text']);
    expect(parts[0]).toMatchObject({
      text: 'T\n\na  1',
      entities: [
        { type: 'bold', offset: 0, length: 1 },
        { type: 'pre', offset: 3, length: 4 },
      ],
    });
    expect(parts[1]).toMatchObject({ kind: 'photo', caption: 'cap' });
    expect(parts[2]).toMatchObject({ text: 'h\n─\n1\n\nend', entities: [{ type: 'pre', offset: 0, length: 5 }] });
  });

  it('a 20,000-character /thought arrives through the Bot API in order, each message accepted', async () => {
    const h = await startHarness({ seed: (db) => seedWorld(db, { thoughtLength: 20_000 }) });
    const sent = await h.ask(ADMIN_ID, '/thought analysis');
    expect(sent.length).toBe(5);
    expect(sent.every((s) => s.method === 'sendMessage' && s.text.length <= MAX_MESSAGE)).toBe(true);
    expect(sent.map((s) => s.text).join('\n')).toBe(
      `analysis attempt 1 of night-2025-01-06 (claude-sonnet-5-5, 2025-01-06 03:01 UTC, $0.21)\n\n${thoughtOf(20_000)}`,
    );
  });
});
