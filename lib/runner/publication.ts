import isolation from '../isolation/index.cjs';
import { serviceEnvKeys } from '../service/env.js';

/**
 * The variables of a runner's publication (RunnerSession.env()) that `env` holds, read back from its
 * SANDPIT_SERVICES: every service's variables and the run's own. Nothing else of SANDPIT_* (the
 * settings a user exports, SANDPIT_REUSE and the like) is in it.
 */
export function publicationKeys(env: NodeJS.ProcessEnv): string[] {
  let prefixes: Record<string, string> = {};
  try {
    prefixes = JSON.parse(env.SANDPIT_SERVICES ?? '{}') as Record<string, string>;
  } catch {
    // Not one of ours: only the run's own variables are taken back.
  }
  return ['SANDPIT_SESSION', 'SANDPIT_SERVICES', 'SANDPIT_EXEC', isolation.ENV, ...Object.values(prefixes).flatMap(serviceEnvKeys)];
}

/** Takes the publication in `env` back out (one project's, in a `projects` run, before another's goes in). */
export function withdrawPublication(env: NodeJS.ProcessEnv): void {
  for (const key of publicationKeys(env)) delete env[key];
}
