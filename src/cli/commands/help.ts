/** `brain help [command]`: the command list, or one command's usage. */
import { EXIT, UsageError, overview, type Command } from '../command.ts';

export const help: Command = {
  name: 'help',
  summary: 'List the commands, or show one command\'s flags',
  usage: 'usage: brain help [command]',
  async run(args, io) {
    // Imported here, not at the top: the registry imports this file.
    const { commands } = await import('./index.ts');
    if (args.length > 1) throw new UsageError(`expected at most one command name, got ${args.length}`);
    const [name] = args;
    if (name === undefined) {
      io.stdout.write(overview(commands));
      return EXIT.ok;
    }
    const command = commands.find((c) => c.name === name);
    if (!command) throw new UsageError(`unknown command "${name}"; commands: ${commands.map((c) => c.name).join(', ')}`);
    io.stdout.write(`${command.summary}\n\n${command.usage}\n`);
    return EXIT.ok;
  },
};
