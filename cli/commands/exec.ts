import { fstatSync, readFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { SandpitError } from '../../lib/errors.js';

interface Args {
  name: string;
  command?: string[];
  interactive?: boolean;
  tty?: boolean;
  T?: boolean;
  project?: string;
  user?: string;
  workdir?: string;
  env?: string | string[];
  '--'?: string[];
}

const commandOf = (args: Args) => [...(args.command ?? []), ...(args['--'] ?? [])].map(String);

export const exec: CommandModule<object, Args> = {
  command: 'exec <name> [command..]',
  describe: 'Run a command in a running service',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'service name or container id (see `sandpit ls`)' })
      .positional('command', { type: 'string', array: true, describe: 'what to run: all after the name (a -- before it is optional)' })
      .option('interactive', {
        alias: 'i',
        type: 'boolean',
        describe: 'pass this input (piped in, or < a file) to the command, as docker exec -i; without it the command gets none',
      })
      // docker's `-it` and compose's `-T`, typed from habit: read as what they mean, not as a missing name.
      .option('tty', { alias: 't', type: 'boolean', describe: 'as docker exec -t: on a terminal the command gets one anyway; -T (compose) for none' })
      .option('T', { type: 'boolean', hidden: true })
      // docker exec's own: a compose user types `exec -u root db …` from habit, and it was "Unknown argument: u".
      .option('user', { alias: 'u', type: 'string', describe: 'run as this user (name, uid or uid:gid), as docker exec -u' })
      .option('workdir', { alias: 'w', type: 'string', describe: 'start in this folder inside the container, as docker exec -w' })
      .option('env', { alias: 'e', type: 'string', describe: 'NAME=value for this command (NAME alone: its value here), as docker exec -e' })
      .option('project', { type: 'string', describe: "the project whose service <name> is (default: this folder's), as up -d --project gave it. Env: SANDPIT_PROJECT" })
      .check((args) => (commandOf(args as unknown as Args).length > 0 ? true : 'Say what to run: sandpit exec <name> -- <command>.'))
      .example('$0 exec cache -- redis-cli info server', 'one command: its output, and its exit code as sandpit’s')
      .example('$0 exec db mysql -uroot -e "SELECT 1"', 'as docker exec: all after the name is the command (-- before it, optional)')
      .example('$0 exec box -- bash', 'an interactive shell (on a terminal)')
      .example('$0 exec db -- mysql app', 'mysql logs in by itself: as root, or as the -u it names (MYSQL_PWD is set for the command)')
      .example('$0 exec -u root -w /tmp box -- id', 'as docker exec: -u user, -w folder, -e NAME=value; before the command')
      .example('$0 exec -i db -- mysql app < dump.sql', 'with -i, input piped in or from a file goes to the command') as never,
  handler: async (args) => {
    if (args.project) process.env.SANDPIT_PROJECT = (await import('../../lib/cleanup/project.js')).projectFromFlag(args.project);
    const { attach } = await import('../../lib/service/list.js');
    const how = { user: args.user, workdir: args.workdir, env: envOf([args.env ?? []].flat()) };
    const service = await attach(args.name);
    const { dockerExec, interactive } = await import('../docker-cli.js');
    (await import('../deadline.js')).disarm(); // the command runs as long as it needs
    // A person at a terminal gets a terminal; scripts get the output as it was, with no docker CLI needed.
    // Input only when asked for, as docker does: a script's own stdin (`while read …; done < list`, a CI
    // runner's pipe) must not be read away by a command that never wanted it.
    // `sandpit exec db -- mysql` logs in, as root or the -u it names (the preset's MYSQL_PWD, lib/presets/mysql-login.ts).
    if (interactive() || args.interactive) {
      // Input to stream (the engine API call below sends none): the docker CLI streams it, and says when it ends.
      const tty = interactive() && !args.T && args.tty !== false;
      process.exitCode = await dockerExec(service.containerId, commandOf(args), { tty, ...how, env: { ...service.execEnv(commandOf(args)), ...how.env } });
      return;
    }
    // A file given as input (`< dump.sql`) is meant for the command: said, not silently dropped (`docker compose
    // exec` passes it, and `exec db -- mysql < dump.sql` loaded nothing, exit 0). A pipe may be a script's own.
    if (inputIsFile()) process.stderr.write('sandpit: the input file is not passed to the command without -i: sandpit exec -i <name> -- <command> < file\n');
    const result = await service.exec(commandOf(args), how);
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    process.exitCode = result.exitCode;
  },
};

/** `-e NAME=value`, or `-e NAME` for this shell's value of NAME (left out when it has none), as docker exec takes them. */
function envOf(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs.map(String)) {
    const at = pair.indexOf('=');
    if (at === 0) throw new SandpitError('INVALID_OPTION', `Give -e as NAME=value or NAME: "${pair}" has no name.`);
    const [name, value] = at < 0 ? [pair, process.env[pair]] : [pair.slice(0, at), pair.slice(at + 1)];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** Input from a file, not yet read: a loop's `while read …; done < list` has read some by the time its body runs. */
function inputIsFile(): boolean {
  try {
    if (!fstatSync(0).isFile()) return false;
  } catch {
    return false; // no stdin at all
  }
  try {
    return /^pos:\s+0$/m.test(readFileSync('/proc/self/fdinfo/0', 'utf8'));
  } catch {
    return true; // no /proc (macOS): said anyway
  }
}
