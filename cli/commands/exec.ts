import { fstatSync } from 'node:fs';
import type { CommandModule } from 'yargs';

interface Args {
  name: string;
  command?: string[];
  interactive?: boolean;
  '--'?: string[];
}

/** Input piped in (`… | sandpit exec`) or from a file (`< dump.sql`): the command should get it, as `docker exec -i` gives it. */
function inputGiven(): boolean {
  try {
    const stdin = fstatSync(0);
    return stdin.isFIFO() || stdin.isFile();
  } catch {
    return false; // no stdin at all
  }
}

const commandOf = (args: Args) => [...(args.command ?? []), ...(args['--'] ?? [])].map(String);

export const exec: CommandModule<object, Args> = {
  command: 'exec <name> [command..]',
  describe: 'Run a command in a running service',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'service name or container id (see `sandpit ls`)' })
      .positional('command', { type: 'string', array: true, describe: 'what to run, after --' })
      .option('interactive', {
        alias: 'i',
        type: 'boolean',
        describe: 'pass this input to the command, as docker exec -i (on by itself when input is piped or comes from a file)',
      })
      .check((args) => (commandOf(args as unknown as Args).length > 0 ? true : 'Say what to run: sandpit exec <name> -- <command>.'))
      .example('$0 exec cache -- redis-cli info server', 'one command: its output, and its exit code as sandpit’s')
      .example('$0 exec box -- bash', 'an interactive shell (on a terminal)')
      .example(`$0 exec db -- sh -c 'mysql -u"$MYSQL_USER" -p"$MYSQL_PASSWORD" "$MYSQL_DATABASE"' < dump.sql`, 'input piped in or from a file goes to the command') as never,
  handler: async (args) => {
    const { attach } = await import('../../lib/service/list.js');
    const service = await attach(args.name);
    const { dockerExec, interactive } = await import('../docker-cli.js');
    (await import('../deadline.js')).disarm(); // the command runs as long as it needs
    // A person at a terminal gets a terminal; scripts get the output as it was, with no docker CLI needed.
    if (interactive() || args.interactive || inputGiven()) {
      // Input to stream (the engine API call below sends none): the docker CLI streams it, and says when it ends.
      process.exitCode = await dockerExec(service.containerId, commandOf(args), { tty: interactive() });
      return;
    }
    const result = await service.exec(commandOf(args));
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    process.exitCode = result.exitCode;
  },
};
