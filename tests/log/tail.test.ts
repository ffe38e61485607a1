import { describe, expect, it } from 'vitest';
import { createLogger, LogTail } from '../../src/log/index.ts';

describe('the log tail behind /logs', () => {
  it('keeps the newest lines, readable, scrubbed of secrets like every line, and passes them on', () => {
    const tail = new LogTail(2);
    const out: string[] = [];
    const log = createLogger({
      level: 'info',
      pretty: false,
      destination: tail.tee({ write: (l: string) => out.push(l) }),
      secrets: ['sk-ant-very-secret-value'],
    });
    log.info('first');
    log.info({ pair: 'BTC/USD' }, 'second');
    log.warn('key sk-ant-very-secret-value leaked');
    expect(out).toHaveLength(3);
    expect(tail.lines(5)).toEqual([
      expect.stringMatching(/^\d\d:\d\d:\d\d INFO second \{"pair":"BTC\/USD"\}$/),
      expect.stringMatching(/^\d\d:\d\d:\d\d WARN key \[Redacted\] leaked$/),
    ]);
  });
});
