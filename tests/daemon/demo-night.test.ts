import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/daemon/demo.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';

describe('npm run demo -- --with-orchestrator', () => {
  it("after the replay the daemon's own cycle child runs a scripted night against the loopback API; its tweak passes the real gates to a paper test, and the daemon stays up", async () => {
    const lines: string[] = [];
    const summary = await runDemo({ repoRoot: PROJECT_ROOT, log: pino({ level: 'silent' }), print: (l) => lines.push(l), days: 0.5, withOrchestrator: true });
    const night = lines.filter((l) => l.startsWith('NIGHT'));
    expect(night[0]).toMatch(/NIGHT +night-\S+ started \(model\) against the loopback Messages API/);
    expect(night.filter((l) => /NIGHT +(analysis|generation|review) /.test(l))).toHaveLength(3);
    expect(night.find((l) => l.includes(' review '))).toMatch(/in \d+ \+ [1-9]\d* cached/);
    // The tweak went through the real gates (every one listed with its number) to a paper test the supervisor started.
    expect(lines.find((l) => l.startsWith('GATES') && l.includes('pass canaries'))).toMatch(/pass screenTrades .* pass lookAhead .* pass jitter/);
    expect(night.find((l) => l.includes('ended'))).toMatch(/ended submitted: paper test (pt-[\w-]+) scheduled for sha256:\w+ \(ledger #\d+\)$/);
    const test = /paper test (pt-[\w-]+)/.exec(night.find((l) => l.includes('ended'))!)![1];
    expect(lines.find((l) => l.startsWith('PAPER'))).toContain(`${test} of sha256:`);
    expect(summary.steps).toBeGreaterThan(100);
  }, 120_000);
});
