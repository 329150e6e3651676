import net from 'node:net';
import leven from 'leven';
import { SandpitError } from '../errors.js';
import type { OptionSpec, Preset } from '../preset.js';
import { isPresetName, presetByName, presetNames, type PresetName } from '../presets/index.js';
import type { CommonOptions, ProgressEvent, StartOptions } from '../types.js';
import { customPreset, CUSTOM_OPTIONS } from './custom.js';
import { composeHint, presetOfImage } from './compose-keys.js';
import { isImageReference } from '../images/reference.js';
import { durationMs } from '../environment/duration.js';
import { suggestion } from '../suggest.js';

export { suggestion } from '../suggest.js';
import { serviceName } from './name.js';

const DEFAULT_TIMEOUT_MS = 60_000;

const COMMON: Record<keyof CommonOptions, OptionSpec> = {
  name: { type: 'string', describe: 'service name' },
  image: { type: 'string', describe: 'image to use instead of the default' },
  port: { type: 'number', describe: "host port: N, or 'standard'" },
  bindAddress: { type: 'string', describe: 'address to publish ports on' },
  startupTimeout: { type: 'number', describe: 'ms to wait for the service' },
  detached: { type: 'number', describe: 'leave it running after exit' },
  onProgress: { type: 'number', describe: 'progress callback' },
  snapshot: { type: 'number', describe: 'start from a snapshot of the initialised data' },
  labels: { type: 'object', describe: 'extra container labels' },
};

export interface Normalised {
  name: string;
  presetName: PresetName | 'custom';
  preset: Preset<object, object>;
  presetOptions: Record<string, unknown>;
  image: string | undefined;
  port: number | 'standard' | undefined;
  bindAddress: string | undefined;
  startupTimeoutMs: number;
  detached: boolean;
  /** false: `snapshot: false`, run the init scripts on every start. */
  snapshot: boolean;
  onProgress: ((event: ProgressEvent) => void) | undefined;
  labels: Record<string, string>;
}

/**
 * Keys of a sandpit.config service that are not start() options (the config takes them off first),
 * so that a typo of one is named and suggested too; and start() options a config has no use for.
 */
export interface OptionsContext {
  alsoKnown?: readonly string[];
  notShown?: readonly string[];
  /** How a service is written where these options come from (a config file's JSON, not start()). */
  example?: string;
}

/** All option checking happens here, before any Docker call, so bad input never leaves a container. */
export function normalise(input: PresetName | StartOptions, context: OptionsContext = {}): Normalised {
  const options: Record<string, unknown> = typeof input === 'string' ? { preset: input } : { ...input };
  if (typeof options !== 'object' || options === null) invalid('options', input, 'a preset name or an options object');

  const presetValue = options.preset;
  let presetName: PresetName | 'custom';
  let preset: Preset<object, object>;
  let allowed: Record<string, OptionSpec>;
  if (presetValue !== undefined) {
    if (typeof presetValue !== 'string' || !isPresetName(presetValue)) throw unknownPreset(presetValue);
    presetName = presetValue;
    preset = presetByName(presetValue);
    allowed = preset.options as Record<string, OptionSpec>;
  } else if (typeof options.image === 'string') {
    presetName = 'custom';
    preset = customPreset(options);
    allowed = CUSTOM_OPTIONS;
  } else {
    const example = context.example ?? "start('redis') or start({ image: 'nginx:1.27', ports: [80] })";
    throw new SandpitError('INVALID_OPTION', `Say what to start: a preset (${presetNames.join(', ')}) or an image, e.g. ${example}.`);
  }

  const presetOptions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (key === 'preset' || value === undefined) continue;
    if (key in COMMON) continue;
    const spec = allowed[key];
    if (!spec) {
      const known = [...Object.keys(COMMON), ...Object.keys(allowed)].filter((k) => !context.notShown?.includes(k));
      throw unknownOption(presetName, key, [...known, ...(context.alsoKnown ?? [])], options.image);
    }
    checkType(`${presetName}: ${key}`, value, spec);
    presetOptions[key] = value;
  }

  const name: unknown = options.name ?? serviceName(input);
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,62}$/i.test(name)) {
    invalid('name', name, 'up to 63 letters, digits, - and _, starting with a letter or digit (it becomes SANDPIT_<NAME>_URL)');
  }
  if (options.image !== undefined && (typeof options.image !== 'string' || !isImageReference(options.image))) {
    invalid('image', options.image, 'an image reference such as redis:7.4 (lowercase name, optional registry, :tag or @digest)');
  }
  const port = options.port;
  if (port !== undefined && port !== 'standard' && !(Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535)) {
    invalid('port', port, "a port number 1-65535, or 'standard'");
  }
  // Silently dropped before: `sandpit up ubuntu --port 5000` started a box that answered on no port.
  if (port !== undefined && preset.containerPort === undefined) {
    const fix = presetName === 'custom' ? 'give ports: [N] (the container port to publish), or leave port out' : 'leave port out (reach it with exec)';
    throw new SandpitError('INVALID_OPTION', `${name}: port ${String(port)} has nothing to publish: ${presetName === 'custom' ? 'this image lists no ports' : `the ${presetName} preset serves no port`}; ${fix}.`, {
      option: 'port',
    });
  }
  // Unset: loopback for a local engine, all addresses for a remote one (decided once connected).
  const bindAddress = options.bindAddress;
  if (bindAddress !== undefined && (typeof bindAddress !== 'string' || net.isIP(bindAddress) === 0)) invalid('bindAddress', bindAddress, "an IP address such as 127.0.0.1 or 0.0.0.0");
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') invalid('onProgress', options.onProgress, 'a function');
  const labels = options.labels ?? {};
  if (typeof labels !== 'object' || labels === null || Object.values(labels).some((v) => typeof v !== 'string')) invalid('labels', labels, 'an object of strings');
  if (options.snapshot !== undefined && typeof options.snapshot !== 'boolean') invalid('snapshot', options.snapshot, 'true or false');

  return {
    name,
    presetName,
    preset,
    presetOptions,
    image: presetName === 'custom' ? undefined : (options.image as string | undefined),
    port: port as Normalised['port'],
    bindAddress: bindAddress as string | undefined,
    startupTimeoutMs: startupTimeout(options.startupTimeout),
    detached: options.detached === true,
    snapshot: options.snapshot !== false,
    onProgress: options.onProgress as Normalised['onProgress'],
    labels: labels as Record<string, string>,
  };
}

/** setTimeout's limit (~24.8 days): a longer wait would end at once. Longer means "no limit" anyway. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function startupTimeout(value: unknown): number {
  if (value !== undefined) {
    if (typeof value !== 'number' || !(value > 0)) invalid('startupTimeout', value, 'a number of milliseconds > 0');
    return Math.min(value as number, MAX_TIMEOUT_MS);
  }
  const env = process.env.SANDPIT_STARTUP_TIMEOUT;
  if (env === undefined || env === '') return DEFAULT_TIMEOUT_MS;
  const ms = durationMs(env, 'ms');
  if (ms === undefined || !(ms > 0)) invalid('SANDPIT_STARTUP_TIMEOUT', env, 'milliseconds above 0, or seconds with an s suffix (e.g. 90s)');
  return Math.min(ms, MAX_TIMEOUT_MS);
}

const TYPES: Record<OptionSpec['type'], [check: (value: unknown) => boolean, expected: string]> = {
  string: [(v) => typeof v === 'string', 'a string'],
  number: [(v) => typeof v === 'number' && Number.isFinite(v), 'a number'],
  boolean: [(v) => typeof v === 'boolean', 'true or false'],
  object: [(v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'an object'],
  'string[]': [(v) => Array.isArray(v) && v.every((x) => typeof x === 'string'), 'a list of strings'],
  'number[]': [(v) => Array.isArray(v) && v.every((x) => typeof x === 'number'), 'a list of numbers'],
};

function checkType(label: string, value: unknown, spec: OptionSpec): void {
  const [check, expected] = TYPES[spec.type];
  if (!check(value)) invalid(label, value, expected);
}

function invalid(option: string, value: unknown, expected: string): never {
  throw new SandpitError('INVALID_OPTION', `Invalid ${option}: ${show(value)}. Expected ${expected}.`, {
    option: option.split(': ').at(-1),
  });
}

// NaN and Infinity as themselves: JSON says null (`--databases abc` reached here as NaN and read "null").
const show = (value: unknown) => (typeof value === 'string' ? `"${value}"` : typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value)));

/** `orImage`: where an image alone can start a service (start(), a config), say so; the CLI's up and images cannot. */
export function unknownPreset(value: unknown, orImage = true): SandpitError {
  const hint = typeof value === 'string' ? suggestion(value, presetNames) : '';
  return new SandpitError(
    'UNKNOWN_PRESET',
    `Unknown preset ${show(value)}.${hint} Presets: ${presetNames.join(', ')}${orImage ? ' (or give an image for a custom service)' : ''}.`,
    { option: 'preset' },
  );
}

function unknownOption(preset: string, key: string, known: string[], image?: unknown): SandpitError {
  const choices = known.filter((k) => k !== 'onProgress' && k !== 'labels');
  // An official image with no preset (compose's `image: mysql:8.4`): its preset knows it, offline too.
  const its = preset === 'custom' ? presetOfImage(image) : undefined;
  if (its) {
    return new SandpitError('INVALID_OPTION', `Unknown option "${key}" for an image with no preset. ${String(image)} is the ${its} preset's image: give "preset": "${its}" (image then picks the version; its options: ${Object.keys(presetByName(its as PresetName).options).join(', ')}).`, { option: key });
  }
  // A one-letter slip (databases for database) is a typo; otherwise an option of another preset says whose
  // it is (root on redis is httpd's, not a misspelt "port").
  const owners = presetNames.filter((name) => name !== preset && key in presetByName(name).options);
  const slip = choices.some((choice) => leven(key.toLowerCase(), choice.toLowerCase()) <= 1);
  const hint = composeHint(key, preset) ?? (owners.length > 0 && !slip ? ` It is an option of ${owners.join(', ')}.` : suggestion(key, choices));
  return new SandpitError('INVALID_OPTION', `Unknown option "${key}" for ${preset}.${hint} Options: ${choices.join(', ')}.`, { option: key });
}

