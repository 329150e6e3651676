import { existsSync } from 'node:fs';
import path from 'node:path';
import { SandpitError } from '../lib/errors.js';
import { loadConfig } from '../lib/config/index.js';
import { CONFIG_FILES } from '../lib/config/load.js';
import { durationMs } from '../lib/environment/duration.js';
import { suggestion, unknownPreset } from '../lib/options/normalise.js';
import { isPresetName, presets } from '../lib/presets/index.js';
import type { StartOptions } from '../lib/types.js';
import { COMMON_FLAGS, presetFlags, type StartFlags } from './flags.js';

const invalid = (message: string) => new SandpitError('INVALID_OPTION', message);

/**
 * What `sandpit up` starts: presets named on the command line, services of sandpit.config.* by
 * name, or, with no names, everything in the config. Flags apply to each of them. `setup`: the config's setup
 * commands of the chosen ones (lib/setup), run in `dir`, the config's folder.
 */
export async function resolveTargets(
  names: string[],
  flags: StartFlags,
  { detached }: { detached: boolean },
): Promise<{ list: StartOptions[]; setup: Record<string, string>; dir: string; configured: Map<string, string> }> {
  // Read even when only presets are named: a config service may be called `redis`, and a broken
  // config should fail now rather than on the next run.
  const config = await loadConfig();
  const fromConfig = new Map(config?.services.map((s) => [s.name!, s]) ?? []);
  const above = config ? undefined : configAbove();
  if (names.length === 0 && !config) {
    throw invalid(
      above
        ? `Nothing to start: no sandpit config in this folder, and ${above} is in a folder above. Run sandpit in ${path.dirname(above)}, or name presets (e.g. \`sandpit up redis\`).`
        : `Nothing to start: name presets (e.g. \`sandpit up redis mysql\`) or add a sandpit.config.json with "services" to ${process.cwd()}.`,
    );
  }
  const chosen = names.length === 0 ? [...fromConfig.keys()] : names;
  const unknown = chosen.find((n) => !fromConfig.has(n) && !isPresetName(n));
  if (unknown !== undefined) {
    if (!config && above) {
      const { message, code } = unknownPreset(unknown, false);
      throw new SandpitError(code, `${message} sandpit reads the config of the folder it runs in; ${above} is in a folder above: run sandpit in ${path.dirname(above)}.`);
    }
    if (!config) throw unknownPreset(unknown, false);
    throw new SandpitError(
      'UNKNOWN_PRESET',
      `"${unknown}" is neither a preset (${Object.keys(presets).join(', ')}) nor a service of ${path.basename(config.file)} (${[...fromConfig.keys()].join(', ')}).${suggestion(unknown, [...fromConfig.keys(), ...Object.keys(presets)])}`,
    );
  }
  const bases = chosen.map((n): Record<string, unknown> => ({ ...(fromConfig.get(n) ?? { preset: n }) }));
  applyFlags(bases, chosen.filter((n) => fromConfig.has(n)), flags);
  const setup = Object.fromEntries(chosen.filter((n) => fromConfig.has(n) && config!.setup[n] !== undefined).map((n) => [n, config!.setup[n]!]));
  // Names a config gave (by the file that gave them): those are renamed there, not with --name.
  const configured = new Map(chosen.filter((n) => fromConfig.has(n)).map((n) => [n, path.basename(config!.file)]));
  return { list: bases.map((options) => ({ ...options, detached }) as unknown as StartOptions), setup, dir: config ? path.dirname(config.file) : process.cwd(), configured };
}

/** The nearest sandpit config above the current folder, which the CLI does not read (as Jest reads its rootDir's only). */
function configAbove(): string | undefined {
  for (let dir = path.dirname(process.cwd()); ; dir = path.dirname(dir)) {
    const file = CONFIG_FILES.map((name) => path.join(dir, name)).find((candidate) => existsSync(candidate));
    if (file) return file;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Flags in one server's own language, and their option in a config. */
const ONE_SERVER: Record<string, string> = { init: 'initScripts', 'server-arg': 'serverArgs' };

/** Adds flag values to each service's options, refusing any flag that fits none of them. */
function applyFlags(targets: Record<string, unknown>[], configured: string[], flags: StartFlags): void {
  const preset = (t: Record<string, unknown>) => String(t.preset ?? 'custom');
  for (const [flag, { option, presets: owners, spec }] of presetFlags(presets)) {
    const value = flags[flag];
    if (value === undefined) continue;
    const takers = targets.filter((t) => owners.includes(preset(t)));
    if (takers.length === 0) {
      throw invalid(`--${flag} is an option of ${owners.join(', ')}, not of ${[...new Set(targets.map(preset))].join(', ')}.`);
    }
    // Init scripts and server flags are one server's language: `up redis mysql --init schema.sql` gave the SQL file to redis too.
    if (ONE_SERVER[flag] && takers.length > 1) {
      throw invalid(`--${flag} applies to one service at a time (${takers.map((t) => t.name ?? t.preset).join(' and ')} both take it): start them separately, or give each its ${ONE_SERVER[flag]} in sandpit.config.json.`);
    }
    for (const t of takers) t[option] = single(flag, value, spec.type.endsWith('[]'));
  }
  if (targets.length > 1) {
    for (const flag of ['name', 'port', 'image'] as const) {
      if (flags[flag] !== undefined) throw invalid(`--${flag} applies to one service at a time; start ${targets.map((t) => t.name ?? t.preset).join(', ')} separately.`);
    }
  }
  if (flags.name !== undefined && configured.length > 0) {
    throw invalid(`--name renames a preset; "${configured[0]}" comes from the config, where its key is its name.`);
  }
  const common: Record<keyof typeof COMMON_FLAGS, [option: string, value: (v: unknown) => unknown]> = {
    port: ['port', (v) => port(String(v))],
    image: ['image', String],
    name: ['name', String],
    'bind-address': ['bindAddress', String],
    timeout: ['startupTimeout', timeout],
  };
  for (const [flag, [option, convert]] of Object.entries(common)) {
    if (flags[flag] !== undefined) for (const t of targets) t[option] = convert(single(flag, flags[flag], false));
  }
}

/** yargs makes a flag given twice an array; only list options may be repeated. */
function single(flag: string, value: unknown, list: boolean): unknown {
  if (!list && Array.isArray(value)) throw invalid(`--${flag} was given ${value.length} times; give it once.`);
  return value;
}

function timeout(value: unknown): number {
  const ms = durationMs(String(value), 'ms') ?? 0;
  if (ms > 0) return ms;
  throw invalid(`Invalid --timeout "${String(value)}". Give milliseconds, or seconds with an s suffix: --timeout 120000, --timeout 120s.`);
}

function port(value: string): number | 'standard' {
  if (value === 'standard') return value;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw invalid(`Invalid --port "${value}". Use a port number 1-65535, or 'standard'.`);
  return n;
}
