/**
 * /mode end to end through `brain run`: an operator's confirmed `brain ctl mode live` against a running
 * daemon stops it cleanly with exit 75 (EX_TEMPFAIL, which systemd and Docker restart), and the next
 * boot runs the recorded mode and logs the layer that set it.
 */
import { describe, expect, it, vi } from 'vitest';
import { EXIT } from '../../src/cli/command.ts';
import { main } from '../../src/cli/main.ts';
import { SIM_TEST_ACCOUNT } from '../../src/sim/index.ts';
import { fakeIo } from './fake-io.ts';

// The simulator's own account, so the daemon's private calls are answered in paper and in live mode.
const KEYS = { KRAKEN_API_KEY: SIM_TEST_ACCOUNT.key, KRAKEN_API_SECRET: SIM_TEST_ACCOUNT.secret };
const SIM = ['--sim', '1'];

describe('brain run and /mode', () => {
  it('a confirmed mode switch exits 75, and the next boot runs the recorded mode, naming where it came from', async () => {
    const io = fakeIo({}, KEYS);
    const exit = main(['run', ...SIM], io);
    await vi.waitFor(() => expect(io.out()).toContain('"msg":"brain running"'), { timeout: 60_000, interval: 50 });
    expect(io.out()).toContain('"msg":"trading mode paper (set by default)"');
    const ctl = { ...fakeIo(), cwd: io.cwd, env: io.env };
    expect(await main(['ctl', 'mode', 'live', '--yes'], ctl)).toBe(EXIT.ok);
    expect(ctl.out()).toMatch(/Recorded: live mode\. Restarting now/);
    expect(await exit).toBe(EXIT.restart);
    expect(io.out()).toContain(`exit ${EXIT.restart}, the service manager starts it again`);

    const again = { ...fakeIo(), cwd: io.cwd, env: io.env };
    const second = main(['run', ...SIM], again);
    await vi.waitFor(() => expect(again.out()).toMatch(/"msg":"(brain running|brain stopped on a failure)"/), { timeout: 60_000, interval: 50 });
    again.stop('SIGINT');
    await second;
    expect(again.out()).toMatch(/"msg":"trading mode live \(set by request by cli:[^ ]+ at [\d-]+T[\d:.]+Z \(\/mode\)\)"/);
  }, 120_000);
});
