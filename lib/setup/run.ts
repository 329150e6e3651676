import { onExit } from 'signal-exit';
import { SandpitError } from '../errors.js';
import { serviceEnv } from '../service/env.js';
import { endGroupWhenGone } from '../cleanup/watchdog.js';
import type { Service, StartOptions } from '../types.js';

/** How much of a failed setup command's output its error carries. */
const OUTPUT_LINES = 20;
/** A migration waiting on a lock or a prompt: not for ever (a walkthrough's stuck one held a run 10 minutes). */
const DEFAULT_TIMEOUT_MS = 5 * 60_000;

export interface SetupCommand {
  command: string;
  /** The service's startupTimeout, when it has one: the setup gets as long. */
  timeoutMs?: number;
}

/** The setup commands of `list` (a config's, by service name), each with its service's startupTimeout as its limit. */
export const setupsOf = (list: readonly StartOptions[], setups: Record<string, string>): Record<string, SetupCommand> =>
  Object.fromEntries(list.flatMap((o) => (o.name && setups[o.name] ? [[o.name, { command: setups[o.name]!, timeoutMs: o.startupTimeout }]] : [])));

/** A setup's progress lines, as the start's plain lines say them. */
export const sayOnStderr = (service: string, message: string): void => void process.stderr.write(`sandpit: ${service}: ${message}\n`);

/**
 * Runs each started service's `setup` command (a config's: a migration tool), on this machine, through the
 * shell, in the config's folder, with every service's SANDPIT_* variables: after the start and before the
 * copies per worker are made, so that the copies hold what it did. One after another, in the config's order
 * (a second may read what the first made). Its output is kept; a failure says its last lines.
 */
export async function runSetups(
  services: Service[],
  setups: Record<string, SetupCommand>,
  { cwd, all = services, say = () => {} }: { cwd: string; all?: Service[]; say?: (service: string, message: string) => void },
): Promise<void> {
  const wanted = services.filter((s) => setups[s.name] !== undefined);
  if (wanted.length === 0) return;
  const { execa } = await import('execa');
  const env = Object.assign({}, ...all.map((s) => serviceEnv(s))) as Record<string, string>;
  for (const service of wanted) {
    const { command, timeoutMs = DEFAULT_TIMEOUT_MS } = setups[service.name]!;
    const began = Date.now();
    say(service.name, `setup: ${command}`);
    // A process group of its own, ended whole however this process ends (a CI cancel's SIGTERM to node alone
    // left the shell's `knex migrate` running against a database that was gone) and once it is over.
    // The group ends when the shell does, or at the time limit: a process it left holds the output pipe open,
    // and the wait for its output would last as long as that process.
    const child = execa(command, { shell: true, cwd, env, stdin: 'ignore', all: true, reject: false, detached: true });
    const endGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    // signal-exit's hook covers every ending this process sees; the watchdog, a SIGKILL's.
    const forgetHook = onExit(endGroup);
    const forgetGroup = child.pid ? endGroupWhenGone(child.pid) : () => {};
    const forget = () => (forgetHook(), forgetGroup());
    let timedOut = false;
    const timer = setTimeout(() => ((timedOut = true), endGroup()), timeoutMs);
    child.once('exit', endGroup);
    const result = await child.finally(() => (clearTimeout(timer), endGroup(), forget()));
    if (result.exitCode === 0 && !timedOut) {
      say(service.name, `setup done in ${((Date.now() - began) / 1000).toFixed(1)} s`);
      continue;
    }
    const lines = String(result.all ?? '').trimEnd().split('\n');
    const tail = lines.slice(-OUTPUT_LINES).join('\n');
    const last = headline(lines)?.slice(0, 200);
    const how = timedOut
      ? `did not finish within ${Math.round(timeoutMs / 1000)} s (waiting on a lock, or a prompt?)`
      : `failed (${result.exitCode === undefined ? `ended by ${result.signal ?? 'a signal'}` : `exit ${result.exitCode}`}${last ? `: ${last}` : ''})`;
    throw new SandpitError(
      'INIT_SCRIPT_FAILED',
      `${service.name}: its setup command ${how}: fix what it runs (\`${command}\`, in ${cwd})${timedOut ? ', or give the service a longer startupTimeout' : ''}.${tail ? `\nIts last ${OUTPUT_LINES} lines:\n${tail}` : ''}`,
      { service: service.name, stage: 'ready', option: 'setup' },
    );
  }
}

/** Stack frames, Node's closing version line, a caret under a source line: never what went wrong. */
const NOISE = /^(at\s|Node\.js v\d|\^+$)/;
/** An error's own line: `Error: …`, `TypeError: …`, MySQL's `ER_NO_SUCH_TABLE: …`, `error: …` of a CLI. */
const ERRORISH = /(^|\s|\[)(\w*Error|ER_[A-Z_]+|error)\b:?/;

/**
 * The line of a failed command's output that says why: its last error line, else its last line that is not a
 * stack frame. The last line was often neither (a Knex migration's ended `at Readable.push (node:internal…)`,
 * any uncaught Node error ends `Node.js v20.19.5`).
 */
export function headline(lines: string[]): string | undefined {
  const meaningful = lines.map((l) => l.trim()).filter((l) => l && !NOISE.test(l));
  return meaningful.filter((l) => ERRORISH.test(l)).at(-1) ?? meaningful.at(-1);
}
