import type { Service } from '../types.js';

/** `cache` → `SANDPIT_CACHE`; `my-db` → `SANDPIT_MY_DB`. */
export const envPrefix = (name: string): string => `SANDPIT_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

/**
 * The variables a service is published under: the CLI's --env-file and the Jest preset use the
 * same names, so a CI step and a test read the same thing.
 */
export function serviceEnv(service: Service & Partial<Record<'user' | 'password' | 'database' | 'rootPassword', string>>): Record<string, string> {
  const prefix = envPrefix(service.name);
  const env: Record<string, string> = {
    [`${prefix}_URL`]: service.url,
    [`${prefix}_HOST`]: service.host,
    [`${prefix}_PORT`]: String(service.port),
    [`${prefix}_CONTAINER_ID`]: service.containerId,
  };
  for (const [key, suffix] of [['user', 'USER'], ['password', 'PASSWORD'], ['database', 'DATABASE'], ['rootPassword', 'ROOT_PASSWORD']] as const) {
    const value = service[key];
    if (typeof value === 'string') env[`${prefix}_${suffix}`] = value;
  }
  return env;
}
