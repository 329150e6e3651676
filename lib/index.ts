export { start } from './service/start.js';
export { startAll, type StartedGroup } from './service/group.js';
export { prune } from './cleanup/prune.js';
export { SandpitError, type SandpitErrorCode, type Stage } from './errors.js';
export { presetNames } from './presets/index.js';
export type {
  CommonOptions,
  CustomStartOptions,
  ExecOptions,
  ExecResult,
  MysqlService,
  PresetName,
  PresetStartOptions,
  ProgressEvent,
  ReadyCheck,
  RedisService,
  Service,
  StartedFrom,
  StartOptions,
} from './types.js';
export type { HttpdOptions, MysqlOptions, RedisOptions, UbuntuOptions } from './presets/index.js';
export type { SandpitConfig, ServiceConfig } from './config/index.js';
