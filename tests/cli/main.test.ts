import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { EXIT, UsageError, type Command, type CommandEntry } from '../../src/cli/command.ts';
import { commands } from '../../src/cli/commands/index.ts';
import { fakeIo } from './fake-io.ts';
import { BrainError } from '../../src/contract/errors.ts';

const entryOf = (command: Command): CommandEntry => ({ name: command.name, summary: 's', load: async () => command });

describe('brain: dispatch and exit codes', () => {
  it('registers help, config and run, each with a summary and a usage', async () => {
    expect(commands.map((c) => c.name)).toEqual(expect.arrayContaining(['help', 'config', 'run']));
    for (const entry of commands) {
      expect(entry.summary).not.toBe('');
      const command = await entry.load();
      expect(command.name).toBe(entry.name);
      expect(command.usage).toMatch(new RegExp(`^usage: brain ${entry.name}`));
    }
  });

  it('`brain help` lists every command and exits 0', async () => {
    const io = fakeIo();
    expect(await main(['help'], io)).toBe(EXIT.ok);
    for (const c of commands) expect(io.out()).toContain(`${c.name}  `);
  });

  it('`brain help run` and `brain run --help` print the run usage', async () => {
    const a = fakeIo();
    const b = fakeIo();
    expect(await main(['help', 'run'], a)).toBe(EXIT.ok);
    expect(await main(['run', '--help'], b)).toBe(EXIT.ok);
    expect(a.out()).toContain('usage: brain run');
    expect(b.out()).toContain('--inspect');
  });

  it('no command prints the command list to stderr and exits 2', async () => {
    const io = fakeIo();
    expect(await main([], io)).toBe(EXIT.usage);
    expect(io.err()).toMatch(/^brain: missing command\n/);
  });

  it('an unknown command prints one line with a suggestion, then the usage, and exits 2', async () => {
    const io = fakeIo();
    expect(await main(['confg'], io)).toBe(EXIT.usage);
    expect(io.err().split('\n')[0]).toBe('brain: unknown command "confg" (did you mean "config"?)');
    expect(io.err()).toContain('usage: brain <command>');
  });

  it('a bad flag prints one line naming it, then the command usage, and exits 2', async () => {
    const io = fakeIo();
    expect(await main(['config', '--colour'], io)).toBe(EXIT.usage);
    expect(io.err().split('\n')[0]).toBe("brain config: Unknown option '--colour'");
    expect(io.err()).toContain('usage: brain config');
  });

  it('a flag missing its value and a stray argument are usage errors', async () => {
    expect(await main(['run', '--mode'], fakeIo())).toBe(EXIT.usage);
    expect(await main(['config', 'extra'], fakeIo())).toBe(EXIT.usage);
    expect(await main(['help', 'nope'], fakeIo())).toBe(EXIT.usage);
  });

  it('a command that fails unexpectedly prints one line, code first, and exits 1', async () => {
    const boom: Command = { name: 'boom', usage: 'usage: brain boom', run: () => Promise.reject(new Error('disk full')) };
    const io = fakeIo();
    expect(await main(['boom'], io, [entryOf(boom)])).toBe(EXIT.failure);
    expect(io.err()).toBe('brain boom: [unexpected] disk full\n');
  });

  it("a typed failure's code and retry verdict lead its line; the exit code stays 1", async () => {
    const busy = new BrainError('the database is locked by another writer', { domain: 'db', code: 'busy', retryable: true });
    const locked: Command = { name: 'locked', usage: 'usage: brain locked', run: () => Promise.reject(busy) };
    const io = fakeIo();
    expect(await main(['locked'], io, [entryOf(locked)])).toBe(EXIT.failure);
    expect(io.err()).toBe('brain locked: [db.busy, retryable] the database is locked by another writer\n');
  });

  it('a command may throw UsageError itself', async () => {
    const picky: Command = { name: 'picky', usage: 'usage: brain picky', run: () => Promise.reject(new UsageError('needs a pair')) };
    const io = fakeIo();
    expect(await main(['picky'], io, [entryOf(picky)])).toBe(EXIT.usage);
    expect(io.err()).toBe('brain picky: needs a pair\n\nusage: brain picky\n');
  });

  it.each([
    ['the compiled build when current', {}],
    ['the sources through tsx (BRAIN_RUNTIME=tsx)', { BRAIN_RUNTIME: 'tsx' }],
  ])('the bin script runs under plain node (%s) and returns the exit code', (_, env) => {
    const bin = fileURLToPath(new URL('../../src/cli/bin.mjs', import.meta.url));
    const run = (arg: string) => spawnSync(process.execPath, [bin, arg], { encoding: 'utf8', env: { ...process.env, ...env } });
    const ok = run('help');
    expect([ok.status, run('nope').status]).toEqual([0, 2]);
    expect(ok.stdout).toContain('commands:');
  });
});
