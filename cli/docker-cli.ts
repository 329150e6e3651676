import os from 'node:os';
import { execa } from 'execa';
import { engineCalls } from '../lib/docker/calls.js';
import { SandpitError } from '../lib/errors.js';

/**
 * Terminal sessions go through the docker CLI: it already does raw mode, resize and stdin
 * streaming well. It is pointed at the engine sandpit itself found (a rootless socket or a
 * context, say), not whatever its own default is. Resolves with the command's exit code.
 */
export async function dockerExec(
  containerId: string,
  command: string[],
  { tty, workdir, user, env = {} }: { tty: boolean; workdir?: string; user?: string; env?: Record<string, string> },
): Promise<number> {
  // `-e NAME` alone: docker takes the value from its own environment, so a password is not on its command line (ps).
  const flags = [tty ? '-it' : '-i', ...(workdir ? ['-w', workdir] : []), ...(user ? ['-u', user] : []), ...Object.keys(env).flatMap((k) => ['-e', k])];
  const result = await execa('docker', ['exec', ...flags, containerId, ...command], {
    stdio: 'inherit',
    reject: false,
    env: { ...env, DOCKER_HOST: await dockerHost() },
  });
  if (result.code === 'ENOENT') {
    throw new SandpitError(
      'NOT_FOUND',
      '`sandpit shell`, and `sandpit exec` on a terminal or with -i, run through the docker CLI, which is not on PATH. Install it (apt-get install docker.io, or Docker Desktop).',
    );
  }
  // Killed by a signal: report it as a shell would, 128 + its number.
  return result.exitCode ?? 128 + (os.constants.signals[result.signal as NodeJS.Signals] ?? 1);
}

async function dockerHost(): Promise<string> {
  if (process.env.DOCKER_HOST) return process.env.DOCKER_HOST;
  return (await engineCalls()).address.uri;
}

/**
 * For a box known to have sh (the shell's): a missing command ends as a shell's would, one line
 * and exit 127, not with the runtime's "OCI runtime exec failed" and 126.
 */
export const asShellWould = (command: string[]): string[] => [
  'sh',
  '-c',
  'command -v -- "$1" > /dev/null 2>&1 || { echo "$1: command not found" >&2; exit 127; }; exec "$@"',
  'sh',
  ...command,
];

export const interactive = (): boolean => Boolean(process.stdin.isTTY && process.stdout.isTTY);
