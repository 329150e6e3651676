import type { ReuseConfig } from '../config/index.js';
import { SandpitError } from '../errors.js';
import { underCI } from '../environment/ci.js';

/** How long a warm service may sit unused before its reaper removes it. */
export const DEFAULT_IDLE_MS = 15 * 60_000;

export interface ReuseSettings {
  idleMs: number;
  /**
   * A test run's config file (lib/runner/session.ts; not `sandpit up`, whose flags may differ from it on
   * purpose): its warm services that a later run of it no longer matches go (lib/reuse/start.ts).
   */
  project?: string;
}


/**
 * Warm reuse is opt-in (`reuse` in the config, or SANDPIT_REUSE=1) and off under CI, where runs must
 * start clean, unless SANDPIT_REUSE=force. SANDPIT_REUSE=0 turns it off whatever the config says.
 */
export function reuseSettings(config: ReuseConfig | undefined, env: NodeJS.ProcessEnv = process.env): ReuseSettings | undefined {
  const flag = env.SANDPIT_REUSE?.trim().toLowerCase();
  // "maybe" or "yes" was read as unset: reuse stayed as the config said, with no word of why.
  if (flag && !['0', 'false', '1', 'true', 'force'].includes(flag)) {
    throw new SandpitError('CONFIG_INVALID', `SANDPIT_REUSE "${env.SANDPIT_REUSE}" is not allowed: give 1 (reuse), 0 (never), or force (reuse under CI too), or unset it.`, {
      stage: 'config',
      option: 'reuse',
    });
  }
  if (flag === '0' || flag === 'false') return undefined;
  const wanted = flag === '1' || flag === 'true' || flag === 'force' || (config !== undefined && config !== false);
  if (!wanted) return undefined;
  if (underCI(env) && flag !== 'force') return undefined;
  const fromEnv = env.SANDPIT_REUSE_IDLE;
  const idle = fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : typeof config === 'object' ? config.idleTimeout : undefined;
  if (idle !== undefined && !(Number.isFinite(idle) && idle > 0)) {
    throw new SandpitError('CONFIG_INVALID', `reuse idle time ${String(fromEnv ?? idle)} is not allowed: give milliseconds > 0 (reuse: { "idleTimeout": 900000 } or SANDPIT_REUSE_IDLE).`, {
      stage: 'config',
      option: 'reuse',
    });
  }
  return { idleMs: idle ?? DEFAULT_IDLE_MS };
}
