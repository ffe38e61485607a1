/**
 * What `--inspect` costs the daemon (issue 21): the same paper replay (2 pairs, one simulated day of the
 * bundled candles, v001) without the inspector, with it and no viewer, with a viewer that reads, and with
 * a viewer that never reads. Prints the wall time of the replayed steps, the daemon's heap afterwards, and
 * what the endpoint sent and dropped. Run: npm run bench -- inspector
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { startReplay } from '../src/daemon/replay.ts';
import { startInspector, type InspectorEndpoint } from '../src/inspect/index.ts';
import { createLogger } from '../src/log/index.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
type Mode = 'off' | 'no viewer' | 'reading viewer' | 'stalled viewer';

async function once(mode: Mode): Promise<string> {
  const workDir = mkdtempSync(join(tmpdir(), 'brain-bench-inspect-'));
  const log = createLogger({ level: 'silent' });
  let replay: Awaited<ReturnType<typeof startReplay>> | undefined;
  const inspector: InspectorEndpoint | null =
    mode === 'off' ? null : await startInspector({ port: 0, secrets: [], now: () => replay?.sim.clock.now() ?? 0, log });
  try {
    replay = await startReplay({ workDir, repoRoot: ROOT, log, pairs: ['BTC/USD', 'ETH/USD'], days: 1, ...(inspector ? { inspector } : {}) });
    let viewer: WebSocket | null = null;
    let received = 0;
    if (inspector && mode !== 'no viewer') {
      viewer = new WebSocket(inspector.wsUrl);
      viewer.on('message', () => (received += 1));
      await new Promise((resolve) => viewer!.once('open', resolve));
      if (mode === 'stalled viewer') (viewer as unknown as { _socket: { pause(): void } })._socket.pause();
    }
    const started = performance.now();
    const steps = await replay.run();
    const ms = performance.now() - started;
    const heap = process.memoryUsage().heapUsed / 2 ** 20;
    const s = inspector?.stats();
    viewer?.terminate();
    return (
      `${mode.padEnd(15)} ${steps} steps in ${(ms / 1000).toFixed(2)} s (${(ms / steps).toFixed(1)} ms/step), heap ${heap.toFixed(0)} MiB` +
      (s ? `, sent ${s.sent}, dropped ${s.dropped}${viewer ? `, viewer got ${received}` : ''}` : '')
    );
  } finally {
    await replay?.close();
    await inspector?.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

export default async function main(): Promise<void> {
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  for (const mode of ['off', 'no viewer', 'reading viewer', 'stalled viewer'] as const) console.log(await once(mode));
}
