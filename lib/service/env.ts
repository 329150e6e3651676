import type { Service } from '../types.js';

/** `cache` → `SANDPIT_CACHE`; `my-db` → `SANDPIT_MY_DB`. */
export const envPrefix = (name: string): string => `SANDPIT_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

/** The fields past url, host, port and container id, by the suffix each is published under. */
const CREDENTIALS = [['user', 'USER'], ['password', 'PASSWORD'], ['database', 'DATABASE'], ['rootPassword', 'ROOT_PASSWORD']] as const;

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
  for (const [key, suffix] of CREDENTIALS) {
    const value = service[key];
    if (typeof value === 'string') env[`${prefix}_${suffix}`] = value;
  }
  return env;
}

/** Every variable serviceEnv() may publish under `prefix` (SANDPIT_<NAME>), whichever the service has. */
export const serviceEnvKeys = (prefix: string): string[] => ['URL', 'HOST', 'PORT', 'CONTAINER_ID', ...CREDENTIALS.map(([, suffix]) => suffix)].map((suffix) => `${prefix}_${suffix}`);
