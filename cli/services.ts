import { lstatSync, readFileSync, rmSync } from 'node:fs';
import { access, appendFile, constants, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SandpitError } from '../lib/errors.js';
import { serviceEnv, serviceEnvKeys } from '../lib/service/env.js';
import type { Service } from '../lib/types.js';

type WithExtras = Service & Partial<Record<'user' | 'password' | 'database' | 'rootPassword', string>>;

/**
 * The line to paste. A box with no service port (ubuntu; a custom image without ports) had none, and its
 * url (shell://…) no way in: the way in is `sandpit exec`.
 */
export const clientOf = (s: Pick<Service, 'clientCommand' | 'url' | 'name' | 'preset'>): string => s.clientCommand || (s.url.startsWith('shell://') ? `sandpit exec ${s.name} -- ${s.preset === 'ubuntu' ? 'bash' : 'sh'}` : '');

export function describeService(s: WithExtras) {
  const { name, preset, url, host, port, containerId, internal, user, password, database, rootPassword } = s;
  const clientCommand = clientOf(s);
  return { name, preset, url, clientCommand, host, port, containerId, ...(internal ? { internal } : {}), ...(user === undefined ? {} : { user, password, database, rootPassword }) };
}

export function printServices(services: Service[], json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(services.map(describeService), null, 2)}\n`);
    return;
  }
  const width = Math.max(...services.map((s) => s.name.length));
  // The url for programs, and under it a command line to paste into a terminal.
  for (const s of services) process.stdout.write(`${s.name.padEnd(width)}  ${s.url}\n${clientOf(s) ? `${''.padEnd(width)}  ${clientOf(s)}\n` : ''}`);
}

/** Checked before any container starts: an env file that cannot be written is bad input. */
export async function checkEnvFile(file: string | string[]): Promise<void> {
  // yargs makes a flag given twice (--env-out a --env-file b) a list.
  if (Array.isArray(file)) throw new SandpitError('INVALID_OPTION', `${envFlag()} was given ${file.length} times; give it once.`, { option: 'env-file' });
  const refuse = (why: string) => new SandpitError('INVALID_OPTION', `Cannot write ${envFlag()} "${file}": ${why}`, { option: 'env-file' });
  // `--env-out=` (an unset variable in a CI script) would otherwise write no file, and say nothing.
  if (file.trim() === '') throw refuse('the path is empty. Give a file path, such as .env.sandpit.');
  // writeFile would fail on a folder only once the services are up (EISDIR).
  if ((await stat(file).catch(() => undefined))?.isDirectory()) throw refuse(`it is a folder. Give a file path, such as ${path.join(file, '.env')}.`);
  // Written over, another program's .env lost its settings (and secrets) without a word.
  const theirs = appends(file) ? [] : othersIn(file);
  if (theirs.length > 0) {
    const shown = theirs.length > 3 ? `${theirs.slice(0, 3).join(', ')}…` : theirs.join(', ');
    throw refuse(`it holds ${shown}, which writing it would erase. Give a file of sandpit's own, such as .env.sandpit, or remove that one.`);
  }
  const folder = path.dirname(path.resolve(file));
  await access(folder, constants.W_OK).catch((error: { code?: string }) => {
    throw refuse(`${folder} ${error.code === 'ENOENT' ? 'does not exist' : 'is not writable'}. Create it, or pick another path.`);
  });
}

/** KEY=VALUE lines, the names the Jest preset uses too. Returns the text written. */
export async function writeEnvFile(file: string, services: Service[]): Promise<string> {
  const lines = services.flatMap((s) => Object.entries(serviceEnv(s)).map(([k, v]) => `${k}=${envValue(v)}`));
  const text = `${lines.join('\n')}\n`;
  await (appends(file) ? appendFile : writeFile)(file, text).catch((cause: unknown) => {
    throw new SandpitError('INVALID_OPTION', `Cannot write ${envFlag()} "${file}": ${(cause as Error).message}. The services were removed.`, { cause });
  });
  return text;
}

/**
 * GitHub Actions' `$GITHUB_ENV`: a file of the step's variables that later steps get, which GitHub asks to be
 * added to (`>> "$GITHUB_ENV"`). `--env-out "$GITHUB_ENV"` was refused for the lines other steps had put there.
 */
const appends = (file: string): boolean => Boolean(process.env.GITHUB_ENV) && path.resolve(file) === path.resolve(process.env.GITHUB_ENV!);

/**
 * A value as a shell's `. file` and dotenv (Node's --env-file) both read it: as it is when plain, else in
 * single quotes (a password `p w$x#y` read as a command `w#y`, or cut at the #). With a ' in it, double
 * quotes, escaped for a shell. docker's --env-file takes quotes as part of the value: plain values only there.
 */
export const envValue = (value: string): string =>
  /^[\w@%+=:,./-]*$/.test(value) ? value : !/['\n]/.test(value) ? `'${value}'` : `"${value.replace(/[\\"$`]/g, '\\$&')}"`;

/** A line sandpit writes: a service's variable (serviceEnvKeys), nothing else of SANDPIT_* (a user's settings). */
const SERVICE_LINE = new RegExp(`^SANDPIT_[A-Z0-9_]+_(${serviceEnvKeys('X').map((key) => key.slice(2)).join('|')})=`);

/**
 * What in an existing plain file is not a line sandpit writes: other variables (SANDPIT_PROJECT and such
 * settings too), comments, any other text (a config.yml). Nothing for a file that does not exist, or is not
 * a plain file (/dev/stdout).
 */
function othersIn(file: string): string[] {
  let text: string;
  try {
    if (!lstatSync(file).isFile()) return [];
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const foreign = text.split('\n').filter((line) => line.trim() !== '' && !SERVICE_LINE.test(line));
  const comments = foreign.filter((line) => /^\s*#/.test(line));
  const names = foreign.flatMap((line) => /^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=/.exec(line)?.[1] ?? []);
  const rest = foreign.length - comments.length - names.length > 0;
  return [...new Set(names), ...(comments.length > 0 ? ['comments'] : []), ...(rest ? ['other text'] : [])];
}

/**
 * A failed or stopped `up` takes away an env file an earlier one left (sandpit's own lines only): read later
 * (a CI step that goes on), it pointed at services that are gone. Not while one it names still runs (an
 * earlier `up -d`'s: its file is still true).
 */
export async function removeOlderEnvFile(file: string): Promise<void> {
  try {
    const text = lstatSync(file).isFile() ? readFileSync(file, 'utf8') : '';
    if (othersIn(file).length > 0 || !SERVICE_LINE.test(text)) return;
    const named = [...text.matchAll(/^SANDPIT_\w+_CONTAINER_ID=(\w+)$/gm)].map((m) => m[1]!);
    const { listServices } = await import('../lib/service/list.js');
    const running = (await listServices()).map((s) => s.containerId);
    if (named.some((id) => running.includes(id))) return;
    rmSync(file);
  } catch {
    // None, unreadable, or the engine did not answer: nothing to remove for sure.
  }
}

/**
 * A foreground `up`'s env file goes with its services: left, it would point the next reader at ports that are
 * gone. Only as it was written: a file changed since is someone's, and stays.
 */
export function removeEnvFile(file: string, text: string): void {
  try {
    // A plain file only: not a link (its target would keep the text), nor /dev/stdout (a read would wait on it).
    if (lstatSync(file).isFile() && readFileSync(file, 'utf8') === text) rmSync(file);
  } catch {
    // Gone already, or unreadable: nothing of ours to remove.
  }
}

/** The flag as typed: --env-out, or --env-file (its other name, not in --help). */
function envFlag(): string {
  const typed = ['--env-out', '--env-file'].filter((flag) => process.argv.some((a) => a === flag || a.startsWith(`${flag}=`)));
  return typed.length === 1 ? typed[0]! : '--env-out/--env-file';
}
