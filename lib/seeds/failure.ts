import { SandpitError } from '../errors.js';
import type { Seed } from './plan.js';

/** The folder the official image's entrypoint runs, and where seeds are copied. */
export const INIT_DIR = '/docker-entrypoint-initdb.d';

/** sandpit's own scripts there (a snapshot's last step): after the seeds (named 001-…), and never the one blamed. */
export const OWN_SCRIPT_PREFIX = 'zzz-sandpit-';

/**
 * Reads a stopped container's log for the init script that failed: the entrypoint's last
 * "running <file>" (or "sourcing") note, then what followed it, e.g. the client's
 * `ERROR 1064 (42000) at line 12: …`. Undefined when no script was running.
 */
export function seedFailure(preset: string, logs: string, seeds: Seed[]): SandpitError | undefined {
  const lines = logs.split('\n');
  const at = lines.findLastIndex((line) => RUNNING.test(line));
  if (at < 0) return undefined;
  const name = RUNNING.exec(lines[at]!)![1]!;
  // Past every seed (e.g. the temporary server's shutdown failed): no script of the user's to name.
  if (name.startsWith(OWN_SCRIPT_PREFIX)) return undefined;
  const seed = seeds.find((s) => s.name === name);
  const after = lines.slice(at + 1).map((line) => line.trim()).filter(Boolean);
  // The client's error goes to stderr, the note to stdout, and the engine's log does not keep their
  // order: the error may come just before the note (seen in CI). Looked for there only when nothing but
  // the server's own lines follow the note: an earlier sourced script may have let an error pass (`|| true`).
  const since = lines.slice(lines.slice(0, at).findLastIndex((line) => RUNNING.test(line)) + 1, at);
  const clientError = (list: string[]) => list.map((line) => CLIENT_ERROR.exec(line.trim())).find((match) => match !== null);
  const error = clientError(after) ?? (after.every((line) => SERVER_LINE.test(line) || ENTRYPOINT_LINE.test(line)) ? clientError(since) : undefined);
  const label = seed?.label ?? name;
  const said = error
    ? `failed: ERROR ${error[1]} (${error[2]}) at line ${error[3]}: ${error[4]}`
    : `failed: ${after.filter((line) => !SERVER_LINE.test(line)).slice(0, 5).join(' / ') || 'it exited with an error'}`;
  return new SandpitError('INIT_SCRIPT_FAILED', `${preset}: init script ${label} ${said}${error ? unknownDatabase(error[1]!, error[4]!) : ''}`, { stage: 'ready', option: 'initScripts' });
}

/**
 * A seed written for compose's MYSQL_DATABASE=shop (`USE shop`), on a service whose database is another (test by
 * default): the server's "Unknown database 'shop'" said what, not how to have it.
 */
function unknownDatabase(code: string, message: string): string {
  const name = code === '1049' ? /Unknown database '([^']+)'/.exec(message)?.[1] : undefined;
  return name ? `. The service makes its one database before the scripts run: if that is ${name}, give it "database": "${name}" (--database ${name}); else CREATE DATABASE \`${name}\` in a script` : '';
}

const RUNNING = new RegExp(`\\[Entrypoint\\]: .*(?:running|sourcing) ${INIT_DIR}/(\\S+)\\s*$`);
/** The mysql client's report: `ERROR 1064 (42000) at line 12: You have an error…`. */
const CLIENT_ERROR = /^ERROR (\d+) \(([\dA-Z]+)\) at line (\d+)(?: in file: '[^']*')?: (.*)$/;
/** The entrypoint's own notes (`… [Note] [Entrypoint]: …`), not the script's output. */
const ENTRYPOINT_LINE = /\[Entrypoint\]: /;
/** The server's own log lines (its shutdown when the entrypoint gives up), not the script's output. */
const SERVER_LINE = /^\d{4}-\d\d-\d\dT[\d:.]+Z \d+ \[/;
