/**
 * Entry of the trusted child runner (bundled by the host with esbuild, evaluated by Deno before the
 * untrusted module). Order matters and is the point of the file: capture stdio and lock the realm
 * down first; then `__brainStart` receives the module as a factory (runner-script.ts), freezes the
 * realm's shared objects and serves frames, evaluating a fresh module instance for each backtest
 * run, scan session and analysis, so no module-level state outlives the run that made it.
 */
import type { AnalysisModule } from '../../contract/analysis.ts';
import type { StrategyModule } from '../../contract/strategy.ts';
import type { HostRequest } from '../protocol.ts';
import { DatasetStore } from './datasets.ts';
import { readFrame, writeFrame, type InFrame } from './frames-child.ts';
import { hardenRealm, lockdown, type ChildIo } from './lockdown.ts';
import { ScanState } from './scan.ts';
import { SandboxError } from '../errors.ts';

type Loaded = { default?: unknown } | undefined;
type ModuleFactory = () => Loaded;

const { io, exit } = lockdown();
/** Exit status of a runner that failed outside any module call (EX_SOFTWARE). */
const RUNNER_FAILED = 70;
let started = false;

Object.defineProperty(globalThis, '__brainStart', {
  configurable: false,
  value: (factory: ModuleFactory): void => {
    if (started) return;
    started = true;
    try {
      hardenRealm();
      serve(io, factory);
    } catch (err) {
      // The runner's own failure (a frame it could not allocate under the memory cap, a write that
      // failed): the frame stream is out of step, so the child ends, naming the cause for the host.
      io.reportFatal(`sandbox runner stopped: ${describe(err)}`);
      exit(RUNNER_FAILED);
    }
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

/** A failed call's reply: the runner's own refusals (a SandboxError) carry their code; what the module threw has none. */
function errorReply(err: unknown): { kind: 'error'; error: string; code?: string } {
  return err instanceof SandboxError ? { kind: 'error', error: err.message, code: err.code } : { kind: 'error', error: describe(err) };
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

/** One fresh instance of the module's default export; throws what evaluating it threw. */
function instanceOf(factory: ModuleFactory): object {
  const mod = factory()?.default;
  // The module's shape, not the runner: a guest failure, counted against the version like anything it throws.
  if (typeof mod !== 'object' || mod === null || !('meta' in mod))
    throw new SandboxError(
      'guest_error',
      `the module's default export has no meta (got ${mod === null ? 'null' : typeof mod}); export default { meta, init, onBar }`,
      false,
    );
  return mod;
}

function serve(io: ChildIo, factory: ModuleFactory): void {
  let mod: object;
  try {
    mod = instanceOf(factory);
  } catch (err) {
    send(io, errorReply(err));
    return;
  }
  const handler = new Handler(() => instanceOf(factory), io);
  send(io, { kind: 'ready', meta: (mod as { meta: unknown }).meta });
  for (;;) {
    const frame = readFrame(io);
    if (frame === null) return;
    let reply: unknown;
    try {
      reply = handler.handle(frame);
    } catch (err) {
      reply = errorReply(err);
    }
    send(io, reply);
  }
}

class Handler {
  private scan: ScanState | null = null;
  private readonly datasets = new DatasetStore();

  constructor(
    /** A fresh module instance per call. */
    private readonly fresh: () => object,
    private readonly io: ChildIo,
  ) {}

  handle(frame: InFrame): unknown {
    const req = frame.header as unknown as HostRequest;
    switch (req.kind) {
      case 'init':
        this.scan = new ScanState(this.fresh() as StrategyModule, req.pairs, req.historyCap);
        return { kind: 'ok' };
      case 'bars':
        if (!this.scan) throw new SandboxError('not_ready', 'bars arrived before init: the host sends init (pairs, historyCap) first', false);
        return { kind: 'decisions', decisions: this.scan.feed(req.items, frame.payload) };
      case 'loadDataset':
        this.datasets.load(req.id, req.pairs, req.nSteps, frame.payload);
        return { kind: 'ok' };
      case 'viewDataset':
        this.datasets.view(req.id, req.of, req.nSteps);
        return { kind: 'ok' };
      case 'dropDataset':
        this.datasets.drop(req.id);
        return { kind: 'ok' };
      case 'backtest':
        return this.datasets.backtest(this.fresh() as StrategyModule, req.datasetId, req.params, req.engineConfig, (header, payload) =>
          writeFrame(this.io, header, payload),
        );
      case 'analyze':
        return { kind: 'report', report: (this.fresh() as AnalysisModule).analyze(req.results) };
      default:
        throw new SandboxError(
          'bad_frame',
          `unknown request kind "${String((req as { kind: unknown }).kind)}": the host and the runner come from different builds; restart the daemon`,
          false,
        );
    }
  }
}
