/**
 * Entry of the trusted child runner (bundled by the host with esbuild, evaluated by Deno before the
 * untrusted module). Order matters and is the point of the file: capture stdio and lock the realm
 * down first, then let the module's IIFE define `__module`, then `__brainStart` serves frames.
 */
import type { AnalysisModule } from '../../contract/analysis.ts';
import type { StrategyModule } from '../../contract/strategy.ts';
import type { HostRequest } from '../protocol.ts';
import { DatasetStore } from './datasets.ts';
import { readFrame, writeFrame, type InFrame } from './frames-child.ts';
import { lockdown, type ChildIo } from './lockdown.ts';
import { ScanState } from './scan.ts';

type Loaded = { default?: unknown } | undefined;

const { io, exit } = lockdown();
let started = false;

Object.defineProperty(globalThis, '__brainStart', {
  configurable: false,
  value: (loaded: Loaded): void => {
    if (started) return;
    started = true;
    serve(io, loaded?.default);
    exit(0);
  },
});

function describe(err: unknown): string {
  try {
    return err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 500) : `thrown: ${String(err)}`.slice(0, 500);
  } catch {
    return 'thrown value could not be described';
  }
}

function send(io: ChildIo, reply: unknown): void {
  let safe: unknown = reply;
  try {
    JSON.stringify(reply);
  } catch (err) {
    safe = { kind: 'error', error: `output is not JSON-serialisable (${describe(err)})` };
  }
  writeFrame(io, safe);
}

function serve(io: ChildIo, mod: unknown): void {
  if (typeof mod !== 'object' || mod === null || !('meta' in mod)) {
    send(io, { kind: 'error', error: 'module has no default export with meta' });
    return;
  }
  const handler = new Handler(mod, io);
  send(io, { kind: 'ready', meta: (mod as { meta: unknown }).meta });
  for (;;) {
    const frame = readFrame(io);
    if (frame === null) return;
    let reply: unknown;
    try {
      reply = handler.handle(frame);
    } catch (err) {
      reply = { kind: 'error', error: describe(err) };
    }
    send(io, reply);
  }
}

class Handler {
  private scan: ScanState | null = null;
  private readonly datasets = new DatasetStore();

  constructor(
    private readonly mod: object,
    private readonly io: ChildIo,
  ) {}

  handle(frame: InFrame): unknown {
    const req = frame.header as unknown as HostRequest;
    switch (req.kind) {
      case 'init':
        this.scan = new ScanState(this.mod as StrategyModule, req.pairs, req.historyCap);
        return { kind: 'ok' };
      case 'bars':
        if (!this.scan) throw new Error('bars before init');
        return { kind: 'decisions', decisions: this.scan.feed(req.items, frame.payload) };
      case 'loadDataset':
        this.datasets.load(req.id, req.pairs, req.nSteps, frame.payload);
        return { kind: 'ok' };
      case 'dropDataset':
        this.datasets.drop(req.id);
        return { kind: 'ok' };
      case 'backtest':
        return this.datasets.backtest(this.mod as StrategyModule, req.datasetId, req.params, req.engineConfig, (header, payload) => writeFrame(this.io, header, payload));
      case 'analyze':
        return { kind: 'report', report: (this.mod as AnalysisModule).analyze(req.results) };
      default:
        throw new Error(`unknown request kind ${(req as { kind: string }).kind}`);
    }
  }
}
