/**
 * Entry of the gate process (child-process.ts forks it): loads the static pipeline (the TypeScript
 * compiler and esbuild) and answers one GateRequest per IPC message, in order: a gate run, or where a
 * module's parameter defaults are written (param-slots.ts, the same compiler). It holds nothing the
 * parent needs, so the parent ends it with SIGTERM once its gates are idle; it also exits when the
 * parent goes (the IPC channel closes). Argument: the repository root the gates read.
 */
import { paramSlots } from './param-slots.ts';
import { GatePipeline } from './pipeline.ts';
import type { GateReply, GateRequest } from './child-process.ts';

const repoRoot = process.argv[2];
if (!repoRoot) throw new Error('usage: child-main.ts REPO_ROOT (the checkout whose contract and skills the gates read)');

const pipeline = new GatePipeline(repoRoot);
let queue: Promise<void> = Promise.resolve();

function reply(r: GateReply): void {
  process.send?.(r);
}

process.on('message', (req: GateRequest) => {
  queue = queue.then(async () => {
    try {
      reply({ id: req.id, ok: true, result: req.op === 'gate' ? await pipeline.run(req.input) : paramSlots(req.source) });
    } catch (err) {
      reply({ id: req.id, ok: false, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  });
});
process.on('disconnect', () => process.exit(0));
// Messages sent before this listener existed would be lost: the parent sends nothing until it hears this.
process.send?.({ ready: true });
