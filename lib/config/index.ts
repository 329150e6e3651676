import { existsSync } from 'node:fs';
import path from 'node:path';
import { SandpitError, isSandpitError, sentence } from '../errors.js';
import { normalise, suggestion } from '../options/normalise.js';
import { isPathEntry } from '../seeds/index.js';
import { isRedisPath } from '../presets/redis-data.js';
import { presetByName, presetNames } from '../presets/index.js';
import { envPrefix } from '../service/env.js';
import type { CustomStartOptions, PresetName, PresetOptionsMap, PresetStartOptions, StartOptions } from '../types.js';
import { CONFIG_FILES, findConfig, repositoryRoot } from './load.js';

export { CONFIG_FILES, repositoryRoot };
import { ISOLATABLE, type Isolated } from '../isolation/types.js';

export interface LoadedConfig {
  /** Absolute path of the file the services came from. */
  file: string;
  /** Each with `name` set from its key, and paths made absolute against the config's folder. */
  services: StartOptions[];
  /** Per service, how test-runner workers share it (see lib/isolation): 'worker' gives each its own copy. */
  isolation: Record<string, Isolation>;
  /** Warm reuse across runs, as the config asks for it (lib/reuse decides with the environment). */
  reuse?: ReuseConfig;
  /** Per service that has one, its `setup` command (lib/setup): run on this machine once it is ready. */
  setup: Record<string, string>;
}

export type Isolation = 'worker' | 'shared';
/** What `reuse` may be in sandpit.config: true, or { idleTimeout: ms } (lib/reuse reads it). */
export type ReuseConfig = boolean | { idleTimeout?: number };

/**
 * A service in sandpit.config: start()'s options without `name` (its key names it), and how test workers
 * share it: a copy each for mysql and redis (Isolated['preset']), one for all otherwise. A custom image has
 * no preset, so no preset's option either.
 */
export type ServiceConfig = (
  | { [P in PresetName]: Omit<PresetStartOptions<P>, 'name'> & { isolation?: P extends Isolated['preset'] ? Isolation : 'shared' } }[PresetName]
  | (Omit<CustomStartOptions, 'name'> & { preset?: never; isolation?: 'shared' } & { [K in PresetOnlyKey]?: never })
) & {
  /**
   * A command run on this machine, through the shell, in the config's folder, once the service is ready and
   * before any test (before the copies per worker are made): a migration tool, `npx knex migrate:latest`. It
   * gets the services' SANDPIT_* variables (`DATABASE_URL=$SANDPIT_DB_URL npx …`). A failure fails the start.
   */
  setup?: string;
};

/** Options only presets have (root, initScripts…): a custom image's entry with one is a mistake. */
type PresetOnlyKey = Exclude<{ [P in PresetName]: keyof PresetOptionsMap[P] }[PresetName], keyof CustomStartOptions>;

/** What sandpit.config.* holds: in a .ts, `export default { services: { … } } satisfies SandpitConfig`. */
export interface SandpitConfig {
  services: Record<string, ServiceConfig>;
  reuse?: ReuseConfig;
  $schema?: string;
}

const TOP_LEVEL = ['services', 'reuse', '$schema'];
/** Keys every service may have (beside its preset's options): at the top level, said where they go. */
const SERVICE_KEYS = ['preset', 'isolation', 'setup', 'port', 'image', 'snapshot', 'startupTimeout', 'bindAddress'];
const EXAMPLE = '{ "services": { "cache": { "preset": "redis" } } }';

/** Where sandpit looks, for "no config found" messages. */
export const CONFIG_PLACES = `${CONFIG_FILES.join(', ')} or a "sandpit" key in package.json`;

/**
 * Finds and checks `sandpit.config.*` (or "sandpit" in package.json) in `cwd`. Every problem names
 * the file and the key: a typo must fail the run, never fall back to a default.
 */
export async function loadConfig(cwd = process.cwd(), { stopDir }: { stopDir?: string } = {}): Promise<LoadedConfig | undefined> {
  const found = await findConfig(cwd, stopDir);
  if (!found) return undefined;
  const shown = path.relative(cwd, found.file) || found.file;
  // In package.json the config lives under "sandpit", so that is where key paths start.
  const root = path.basename(found.file) === 'package.json' ? 'sandpit.' : '';
  const fail = (key: string, message: string, cause?: unknown): never => {
    throw new SandpitError('CONFIG_INVALID', `${shown}: ${root}${key}: ${message}`, { cause, stage: 'config' });
  };

  const config = found.config;
  if (!isObject(config)) return fail('(top level)', `expected an object such as ${EXAMPLE}.`);
  for (const key of Object.keys(config)) {
    if (TOP_LEVEL.includes(key)) continue;
    // A service's own key at the top (isolation, initScripts…): said where it goes.
    const own = SERVICE_KEYS.includes(key) || presetNames.some((name) => Object.hasOwn(presetByName(name).options, key));
    fail(key, own ? `a key of each service, not of the whole config: put it under services.<name>.${key}.` : `unknown key.${suggestion(key, TOP_LEVEL)} Expected ${EXAMPLE}.`);
  }
  const reuse = config.reuse;
  if (reuse !== undefined && typeof reuse !== 'boolean' && !(isObject(reuse) && Object.keys(reuse).every((k) => k === 'idleTimeout') && (reuse.idleTimeout === undefined || (typeof reuse.idleTimeout === 'number' && reuse.idleTimeout > 0)))) {
    const stray = isObject(reuse) ? Object.keys(reuse).find((k) => k !== 'idleTimeout') : undefined;
    fail(stray === undefined ? 'reuse' : `reuse.${stray}`, `${stray === undefined ? '' : `unknown key.${suggestion(stray, ['idleTimeout'])} `}expected true, false, or { "idleTimeout": milliseconds }.`);
  }
  if (!isObject(config.services)) return fail('services', `expected an object of named services, e.g. ${EXAMPLE}.`);

  const dir = path.dirname(found.file);
  const prefixes = new Map<string, string>();
  const services: StartOptions[] = [];
  const isolations: Record<string, Isolation> = {};
  const setups: Record<string, string> = {};
  for (const [name, raw] of Object.entries(config.services)) {
    const key = `services.${name}`;
    if (!isObject(raw)) return fail(key, 'expected an object such as { "preset": "redis" }.');
    if (raw.name !== undefined && raw.name !== name) fail(`${key}.name`, `the key is the service's name; remove "name" or rename the key to "${String(raw.name)}".`);
    const { isolation, setup, ...rest } = raw;
    // A custom service's command, ready check and env are its container's: its shell or app may expand them.
    const { command: _command, ready: _ready, env: _env, ...own } = rest;
    const unexpanded = variableIn(own);
    if (unexpanded) {
      const fix = found.file.endsWith('.json') ? `write the value, or use sandpit.config.ts (or .js) with process.env.${unexpanded.variable}` : `use process.env.${unexpanded.variable} (or a \`template\` with backticks)`;
      fail(`${key}.${unexpanded.at}`, `${unexpanded.text} is taken as it is: a config expands no variables, as docker compose does. ${sentence(fix)}.`);
    }
    if (setup !== undefined && (typeof setup !== 'string' || setup.trim() === '')) fail(`${key}.setup`, 'expected a command line, such as "npx knex migrate:latest".');
    if (typeof setup === 'string') setups[name] = setup;
    const isolatable = typeof raw.preset === 'string' && ISOLATABLE.includes(raw.preset);
    if (isolation !== undefined && isolation !== 'shared' && !(isolation === 'worker' && isolatable)) {
      fail(`${key}.isolation`, isolatable ? "expected 'worker' or 'shared'." : `only ${ISOLATABLE.join(' and ')} have a copy per worker; use 'shared' or leave it out.`);
    }
    isolations[name] = isolatable && isolation !== 'shared' ? 'worker' : 'shared';
    const options = { ...withAbsolutePaths(rest, dir), name } as unknown as StartOptions;
    try {
      const n = normalise(options, CONFIG_OPTIONS);
      await n.preset.resolve(n.presetOptions); // folders and script files exist: checked before anything starts
    } catch (error) {
      if (!isSandpitError(error)) throw error;
      const at = error.option && error.option !== 'name' ? `${key}.${error.option}` : key;
      // The path already names the option: "services.db.database: Invalid mysql: database: 5" said it twice.
      const message = at !== key ? error.message.replace(`Invalid ${String(rest.preset ?? 'custom')}: ${error.option}: `, 'Invalid value: ').replace(`Invalid ${error.option}: `, 'Invalid value: ') : error.message;
      // Reworded only: as the cause it would add nothing under --verbose (which then offers it).
      fail(at, message, message === error.message ? error : (error.cause ?? undefined));
    }
    const prefix = envPrefix(name);
    const clash = prefixes.get(prefix);
    if (clash !== undefined) fail(key, `gives the same ${prefix}_* variables as services.${clash}; rename one of them.`);
    prefixes.set(prefix, name);
    services.push(options);
  }
  return { file: found.file, services, isolation: isolations, setup: setups, ...(reuse === undefined ? {} : { reuse: reuse as ReuseConfig }) };
}

/** `isolation` is the config's own key; a config service is never detached (`sandpit up --detach` decides). */
const CONFIG_OPTIONS = { alsoKnown: ['isolation', 'setup'], notShown: ['detached'], example: '{ "preset": "redis" } or { "image": "nginx:1.27", "ports": [80] }' } as const;

/**
 * A compose-style `${VAR}` (or `${VAR:-default}`) in a value: it became a password of that very text
 * (`mysql://test:%24%7BMYSQL_PASSWORD%7D@…`). compose's `$${VAR}` is a literal there, and passes. A setup
 * command is the shell's to expand, and is not looked at.
 */
function variableIn(value: unknown, at = ''): { at: string; text: string; variable: string } | undefined {
  if (typeof value === 'string') {
    const match = /(?<!\$)\$\{([A-Za-z_]\w*)[^}]*\}/.exec(value);
    return match ? { at, text: match[0], variable: match[1]! } : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = variableIn(inner, at ? `${at}.${key}` : key);
    if (found) return found;
  }
  return undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Paths in a config are relative to the config file, not to wherever the command runs. */
function withAbsolutePaths(options: Record<string, unknown>, dir: string): Record<string, unknown> {
  const out = { ...options };
  for (const key of ['root', 'mount']) {
    // '' stays '': resolved, it would be the config's own folder, and the preset's "is empty" never said.
    if (typeof out[key] === 'string' && out[key].trim() !== '') out[key] = path.resolve(dir, out[key]);
  }
  if (Array.isArray(out.initScripts)) {
    // Each preset reads its entries its own way: a lone word is a folder to mysql, a command to redis.
    // (A word naming a folder there is one to both: redis then refuses it before the start.)
    const isPath = (v: string) => (options.preset === 'redis' ? isRedisPath(v) : isPathEntry(v)) || existsSync(path.resolve(dir, v.trim()));
    out.initScripts = out.initScripts.map((v: unknown) => (typeof v === 'string' && isPath(v) ? path.resolve(dir, v.trim()) : v));
  }
  return out;
}
