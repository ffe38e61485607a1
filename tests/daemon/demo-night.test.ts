import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/daemon/demo.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';

describe('npm run demo -- --with-orchestrator', () => {
  it('after the replay the daemon\'s own cycle child runs a scripted night against the loopback API and the daemon stays up', async () => {
    const lines: string[] = [];
    const summary = await runDemo({ repoRoot: PROJECT_ROOT, log: pino({ level: 'silent' }), print: (l) => lines.push(l), days: 0.5, withOrchestrator: true });
    const night = lines.filter((l) => l.startsWith('NIGHT'));
    expect(night[0]).toMatch(/NIGHT +night-\S+ started \(model\) against the loopback Messages API/);
    expect(night.filter((l) => /NIGHT +(analysis|generation|review) /.test(l))).toHaveLength(3);
    expect(night.find((l) => l.includes(' review '))).toMatch(/in \d+ \+ [1-9]\d* cached/);
    expect(night.find((l) => l.includes('ended'))).toMatch(/ended submitted: paper test pt-\w+ scheduled for sha256:\w+$/);
    expect(summary.steps).toBeGreaterThan(100);
  }, 120_000);
});
