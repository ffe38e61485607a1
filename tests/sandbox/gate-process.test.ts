/**
 * Footprint (issues 17.8, 18.2): the daemon's gates run in a gate process that ends when idle, so the
 * TypeScript compiler never stays in the daemon. Same verdicts as in-process; a gate process that dies
 * fails the run it had (retryable) and the next run starts a fresh one.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { SandboxError } from '../../src/sandbox/errors.ts';
import { GateProcess } from '../../src/sandbox/gates/child-process.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';

const strategy = readFileSync(join(PROJECT_ROOT, 'strategy/active/strategy.ts'), 'utf8');
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const gates = new GateProcess(PROJECT_ROOT, { idleMs: 200, deadlineMs: 60_000 });
afterAll(() => gates.close());

describe('the gates in a gate process', () => {
  it('passes the active strategy with its bundle and refuses a banned call, without loading TypeScript here', async () => {
    const passed = await gates.run({ kind: 'strategy', source: strategy });
    expect(passed).toMatchObject({ ok: true, bundle: expect.stringContaining('__module'), bundleSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const refused = await gates.run({ kind: 'strategy', source: 'export default eval("1");' });
    expect(refused).toMatchObject({ ok: false, issues: [{ gate: 'ast', rule: 'banned-identifier', line: 1 }] });
    expect(Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('/node_modules/typescript/'))).toEqual([]);
  }, 60_000);

  it("finds a module's parameter defaults there too, open ranges intact, and says why when it cannot", async () => {
    const source = 'export default { meta: { params: { n: { default: 3, max: 9 } } } };';
    expect(await gates.paramSlots(source)).toEqual({
      ok: true,
      slots: [
        { name: 'n', start: source.indexOf('3'), end: source.indexOf('3') + 1, spec: { default: 3, min: -Infinity, max: 9, integer: false, description: '' } },
      ],
    });
    expect(await gates.paramSlots('export default {};')).toMatchObject({ ok: false, code: 'no_params' });
  }, 30_000);

  it('ends once idle, and the next run starts another', async () => {
    await gates.run({ kind: 'strategy', source: 'export default eval("1");' });
    const pid = gates.pid!;
    await vi.waitFor(() => expect(alive(pid)).toBe(false), { timeout: 10_000, interval: 50 });
    expect(gates.pid).toBeUndefined();
    await gates.run({ kind: 'strategy', source: 'export default eval("1");' });
    expect(gates.pid).not.toBe(pid);
  }, 30_000);

  it('a gate process killed mid-run fails that run as retryable', async () => {
    const run = gates.run({ kind: 'strategy', source: strategy });
    await vi.waitFor(() => expect(gates.pid).toBeDefined(), { timeout: 10_000, interval: 10 });
    process.kill(gates.pid!, 'SIGKILL');
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SandboxError);
    expect(err).toMatchObject({ code: 'child_exited', retryable: true, message: expect.stringContaining('SIGKILL') });
  }, 30_000);
});
