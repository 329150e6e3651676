import { SandpitError } from '../errors.js';

/**
 * A server's own flags, after sandpit's (mysqld's `--local-infile=1`, redis-server's `--maxmemory 64mb`): what
 * a project's compose file puts in `command:`. Only a list of strings whose first is a flag: a value on its own
 * was a program name to the image's entrypoint, which ran it instead of the server.
 */
export function checkServerArgs(preset: string, args: unknown): string[] {
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string') || (args.length > 0 && !String(args[0]).startsWith('-'))) {
    throw new SandpitError(
      'INVALID_OPTION',
      `${preset}: serverArgs ${JSON.stringify(args)} is not a list of server flags: give e.g. ["--local-infile=1"] (on the command line --server-arg=--local-infile=1).`,
      { option: 'serverArgs' },
    );
  }
  return args as string[];
}
