import type { Argv, Options } from 'yargs';
import type { OptionSpec } from '../lib/preset.js';

type Registry = Record<string, { options: Record<string, OptionSpec> }>;

/** A preset option as a CLI flag, and the presets that take it. */
export interface PresetFlag {
  option: string;
  presets: string[];
  spec: OptionSpec;
  describe: string;
}

// Where the API's name is long for typing; every other option is its name in kebab-case.
const SHORTER: Record<string, string> = { initScripts: 'init', serverArgs: 'server-arg' };

/** "initScripts is --init here": for a config's option name typed as a flag. */
export function renamedFlag(argument: string): string | undefined {
  const option = Object.keys(SHORTER).find((key) => key.toLowerCase() === argument.replace(/-/g, '').toLowerCase());
  return option && `${option} is --${SHORTER[option]} on the command line.`;
}

const kebab = (key: string) => SHORTER[key] ?? key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The flags come from the preset registry's option specs, so a preset's new option is a flag
 * with no CLI change. Objects have no flag form: they belong in sandpit.config.json.
 */
export function presetFlags(registry: Registry): Map<string, PresetFlag> {
  const flags = new Map<string, PresetFlag>();
  for (const [preset, { options }] of Object.entries(registry)) {
    for (const [option, spec] of Object.entries(options)) {
      if (spec.type === 'object') continue;
      const flag = kebab(option);
      const known = flags.get(flag);
      const line = `${preset}: ${spec.describe}`;
      if (known) {
        known.presets.push(preset);
        known.describe += `; ${line}`;
      } else flags.set(flag, { option, presets: [preset], spec, describe: line });
    }
  }
  return flags;
}

/** Options every preset takes. `--port` stays a string: it may be 'standard'. */
export const COMMON_FLAGS = {
  port: { type: 'string', describe: "host port: a number, or 'standard' (6379, 3306, 8080) when free" },
  image: { type: 'string', describe: 'use this image instead of the preset’s' },
  name: { type: 'string', describe: 'service name (default: the preset); one service at a time' },
  'bind-address': { type: 'string', describe: 'publish ports on this address (default 127.0.0.1)' },
  // A string, so that 90s reads as SANDPIT_STARTUP_TIMEOUT=90s does (as a number it was refused).
  timeout: { type: 'string', describe: 'how long to wait until it answers: milliseconds, or seconds with an s suffix (90s; default 60000)' },
} as const satisfies Record<string, Options>;

export type StartFlags = Record<string, unknown> & {
  port?: string;
  image?: string;
  name?: string;
  'bind-address'?: string;
  timeout?: string;
};

export function withStartFlags<T>(y: Argv<T>, registry: Registry): Argv<T & StartFlags> {
  const group = 'Service options:';
  // Flags are added in a loop, which yargs' per-option types cannot follow.
  const out = y as unknown as Argv;
  for (const [flag, { spec, describe }] of presetFlags(registry)) {
    const list = spec.type.endsWith('[]');
    out.option(flag, {
      type: spec.type.startsWith('number') ? 'number' : spec.type === 'boolean' ? 'boolean' : 'string',
      describe: list ? `${describe} (repeatable)` : describe,
      group,
      // Repeatable, not greedy: `--init a.sql redis` must leave `redis` a service to start.
      ...(list ? { coerce: (value: unknown) => [value].flat() } : {}),
    });
  }
  for (const [flag, options] of Object.entries(COMMON_FLAGS)) out.option(flag, { ...options, group });
  return out as unknown as Argv<T & StartFlags>;
}
