import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { waitForSignal, type SignalSource } from '../../src/cli/io.ts';

/** Plays `process` for the signal wait: emit('SIGTERM', 'SIGTERM') is what Node does on a signal. */
function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  const stderr: string[] = [];
  const source: SignalSource = {
    on: (e, l) => emitter.on(e, l),
    off: (e, l) => emitter.off(e, l),
    once: (e, l) => emitter.once(e, l),
    exit: (code) => void exits.push(code),
    stderr: { write: (s: string) => stderr.push(s) },
  };
  return { source, signal: (s: string) => emitter.emit(s, s), exits, stderr, listeners: (s: string) => emitter.listenerCount(s) };
}

describe('waiting for the shutdown signal', () => {
  it('resolves with the first SIGTERM or SIGINT', async () => {
    const p = fakeProcess();
    const waiting = waitForSignal(p.source);
    p.signal('SIGTERM');
    expect(await waiting).toBe('SIGTERM');
    expect(p.exits).toEqual([]);
  });

  it('a second signal exits at once with code 1', async () => {
    const p = fakeProcess();
    const waiting = waitForSignal(p.source);
    p.signal('SIGINT');
    await waiting;
    p.signal('SIGINT');
    expect(p.exits).toEqual([1]);
    expect(p.stderr.join('')).toBe('second SIGINT, exiting now\n');
  });

  it('removes its first-signal listeners once resolved', async () => {
    const p = fakeProcess();
    const waiting = waitForSignal(p.source);
    expect(p.listeners('SIGINT')).toBe(1);
    p.signal('SIGTERM');
    await waiting;
    expect([p.listeners('SIGINT'), p.listeners('SIGTERM')]).toEqual([1, 1]);
  });

  it('issue 12: keeps nothing alive, and a finished command (no signal) stops listening', async () => {
    const p = fakeProcess();
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const stop = new AbortController();
    void waitForSignal(p.source, stop.signal);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
    expect(p.listeners('SIGTERM')).toBe(1);
    stop.abort();
    expect([p.listeners('SIGINT'), p.listeners('SIGTERM')]).toEqual([0, 0]);
  });
});
