import { describe, expect, it } from 'vitest';
import { ADMIN_ID, startHarness, texts } from './harness.ts';

describe('smoke', () => {
  it('answers /help', async () => {
    const h = await startHarness();
    const sent = await h.ask(ADMIN_ID, '/help');
    expect(texts(sent).join('\n')).toContain('/status');
  });
});
