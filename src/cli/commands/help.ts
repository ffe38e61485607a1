/** `brain help [command]`: the command list, or one command's usage (importing only that command). */
import { EXIT, UsageError, overview, type Command, type CommandEntry } from '../command.ts';

/** Handed the registry by the registry itself (index.ts), which lists this command too. */
export const helpFor = (commands: readonly CommandEntry[]): Command => ({
  name: 'help',
  usage: 'usage: brain help [command]',
  async run(args, io) {
    if (args.length > 1) throw new UsageError(`expected at most one command name, got ${args.length}`);
    const [name] = args;
    if (name === undefined) {
      io.stdout.write(overview(commands));
      return EXIT.ok;
    }
    const entry = commands.find((c) => c.name === name);
    if (!entry) throw new UsageError(`unknown command "${name}"; commands: ${commands.map((c) => c.name).join(', ')}`);
    io.stdout.write(`${entry.summary}\n\n${(await entry.load()).usage}\n`);
    return EXIT.ok;
  },
});
