import type { CommandModule } from 'yargs';

interface Args {
  name: string;
  command?: string[];
  '--'?: string[];
}

const commandOf = (args: Args) => [...(args.command ?? []), ...(args['--'] ?? [])].map(String);

export const exec: CommandModule<object, Args> = {
  command: 'exec <name> [command..]',
  describe: 'Run a command in a running service',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'service name or container id (see `sandpit ls`)' })
      .positional('command', { type: 'string', array: true, describe: 'what to run, after --' })
      .check((args) => (commandOf(args as unknown as Args).length > 0 ? true : 'Say what to run: sandpit exec <name> -- <command>.'))
      .example('$0 exec cache -- redis-cli info server', 'one command: its output, and its exit code as sandpit’s')
      .example('$0 exec box -- bash', 'an interactive shell (on a terminal)') as never,
  handler: async (args) => {
    const { attach } = await import('../../lib/service/list.js');
    const service = await attach(args.name);
    const { dockerExec, interactive } = await import('../docker-cli.js');
    (await import('../deadline.js')).disarm(); // the command runs as long as it needs
    // A person at a terminal gets a terminal; scripts get the output as it was, with no docker CLI needed.
    if (interactive()) {
      process.exitCode = await dockerExec(service.containerId, commandOf(args), { tty: true });
      return;
    }
    const result = await service.exec(commandOf(args));
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    process.exitCode = result.exitCode;
  },
};
