import { SandpitError } from '../errors.js';
import { serviceEnv } from '../service/env.js';
import type { Service } from '../types.js';

/** How much of a failed setup command's output its error carries. */
const OUTPUT_LINES = 20;

/**
 * Runs each started service's `setup` command (a config's: a migration tool), on this machine, through the
 * shell, in the config's folder, with every service's SANDPIT_* variables: after the start and before the
 * copies per worker are made, so that the copies hold what it did. One after another, in the config's order
 * (a second may read what the first made). Its output is kept; a failure says its last lines.
 */
export async function runSetups(services: Service[], setups: Record<string, string>, { cwd, all = services }: { cwd: string; all?: Service[] }): Promise<void> {
  const wanted = services.filter((s) => setups[s.name] !== undefined);
  if (wanted.length === 0) return;
  const { execa } = await import('execa');
  const env = Object.assign({}, ...all.map((s) => serviceEnv(s))) as Record<string, string>;
  for (const service of wanted) {
    const command = setups[service.name]!;
    const result = await execa(command, { shell: true, cwd, env, stdin: 'ignore', all: true, reject: false });
    if (result.exitCode === 0) continue;
    const tail = String(result.all ?? '').trimEnd().split('\n').slice(-OUTPUT_LINES).join('\n');
    const how = result.exitCode === undefined ? `ended by ${result.signal ?? 'a signal'}` : `exit ${result.exitCode}`;
    throw new SandpitError(
      'INIT_SCRIPT_FAILED',
      `${service.name}: its setup command failed (${how}): fix what it runs (\`${command}\`, in ${cwd}).${tail ? `\nIts last ${OUTPUT_LINES} lines:\n${tail}` : ''}`,
      { service: service.name, stage: 'ready', option: 'setup' },
    );
  }
}
