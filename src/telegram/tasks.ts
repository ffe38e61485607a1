/**
 * Commands run beside the update loop: grammY's built-in polling handles updates one after another, and
 * an emergency stop waiting for its fills must not hold up a /status behind it. Stopping waits for them.
 */
import type { Logger } from 'pino';

export class Tasks {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly log: Logger) {}

  track(name: string, work: () => Promise<void>): void {
    const task = work()
      .catch((err: unknown) => this.log.error({ err, task: name }, 'telegram task failed'))
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
