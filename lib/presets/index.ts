import type { Preset } from '../preset.js';
import { httpd } from './httpd.js';
import { mysql } from './mysql.js';
import { redis } from './redis.js';
import { ubuntu } from './ubuntu.js';

export type { HttpdOptions } from './httpd.js';
export type { MysqlOptions } from './mysql.js';
export type { RedisOptions } from './redis.js';
export type { UbuntuOptions } from './ubuntu.js';

/** The registry: a new preset is one file plus one line here. */
export const presets = { httpd, mysql, redis, ubuntu } as const;

export type PresetName = keyof typeof presets;

export const presetNames = Object.keys(presets) as PresetName[];

export const isPresetName = (name: string): name is PresetName => Object.hasOwn(presets, name);

export const presetByName = (name: PresetName): Preset<object, object> => presets[name] as unknown as Preset<object, object>;
