/**
 * Issue 21: readable ids by a rule that covers machines as they land (paper tests, the next ones): every
 * invoke in every machines/*.machine.ts names its actor, or XState names it `<n>.<machine>.<state>` and
 * its done/error events `xstate.done.actor.<n>.…`. Spawned children are held to the same rule at run time
 * (tests/inspect/inspector.test.ts walks a live tree).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { actorOfEvent, isReadableActorId } from '../../src/inspect/naming.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';

interface Node {
  id: string;
  config: { invoke?: unknown };
  states: Record<string, Node>;
}

function* nodesOf(node: Node): Generator<Node> {
  yield node;
  for (const child of Object.values(node.states ?? {})) yield* nodesOf(child);
}

async function machines(): Promise<Array<{ file: string; root: Node }>> {
  const dir = join(PROJECT_ROOT, 'machines');
  const found: Array<{ file: string; root: Node }> = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.machine.ts'))) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>;
    for (const value of Object.values(mod)) {
      const root = (value as { root?: Node } | null)?.root;
      if (root && typeof root === 'object' && 'states' in root) found.push({ file, root });
    }
  }
  return found;
}

describe('readable actor ids', () => {
  it('every invoke of every machine names its actor', async () => {
    const all = await machines();
    expect(all.map((m) => m.file)).toEqual(
      expect.arrayContaining(['supervisor.machine.ts', 'connection.machine.ts', 'position.machine.ts', 'orchestrator-cycle.machine.ts']),
    );
    const unnamed: string[] = [];
    for (const { file, root } of all) {
      for (const node of nodesOf(root)) {
        const invokes = [node.config.invoke ?? []].flat() as Array<{ id?: unknown; src?: unknown }>;
        for (const inv of invokes)
          if (typeof inv.id !== 'string' || !isReadableActorId(inv.id)) unnamed.push(`${file} ${node.id}: invoke of ${String(inv.src)}`);
      }
    }
    expect(unnamed).toEqual([]);
  });

  it("tells XState's made-up ids from names", () => {
    for (const id of ['supervisor', 'connection.public', 'scanner-BTC/USD', 'Pabc1230', 'backfill.ETH/USD', 'chore-audit-3', 'submitOrder'])
      expect(isReadableActorId(id), id).toBe(true);
    for (const id of ['x:12', '0.supervisor.booting.openingStore', '1.connection.session.online', '', undefined])
      expect(isReadableActorId(id), String(id)).toBe(false);
    expect(actorOfEvent('xstate.done.actor.0.supervisor.emergencyStop')).toBe('0.supervisor.emergencyStop');
    expect(actorOfEvent('market.candle')).toBeNull();
  });
});
