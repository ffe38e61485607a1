/**
 * The gate process's side of child-process.ts's protocol, for both ways it starts (child-main.ts, or
 * from the startup snapshot, snapshot-main.ts): one GateRequest per IPC message, answered in order.
 * It holds nothing the parent needs, so the parent ends it with SIGTERM once its gates are idle; it also
 * exits when the parent goes (the IPC channel closes).
 */
import type { GateReply, GateRequest } from './child-process.ts';
import { paramSlots } from './param-slots.ts';
import type { GatePipeline } from './pipeline.ts';

export function serveGates(pipeline: GatePipeline): void {
  let queue: Promise<void> = Promise.resolve();
  const reply = (r: GateReply): void => void process.send?.(r);
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
}
