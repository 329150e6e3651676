import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A process script beside the module at `moduleUrl` (the watchdog, the reaper, the refresher). Under
 * Jest the sources run as .ts; the compiled script lives in dist/ (built before tests).
 */
export function scriptBeside(moduleUrl: string, name: string): string {
  const compiled = fileURLToPath(new URL(`./${name}`, moduleUrl));
  return existsSync(compiled) ? compiled : compiled.replace(/([/\\])lib([/\\])/, '$1dist$1lib$2');
}

/**
 * The environment for a helper process (watchdog, reaper, refresher, resetter): this process's, without
 * the inspector flags NODE_OPTIONS may carry from a debugging session. `--inspect-brk` would stop the
 * helper at its first line (a watchdog that never runs removes nothing), and `--inspect` on a fixed port
 * is taken already. jest-worker drops the same flags from its workers.
 */
export function helperEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (env.NODE_OPTIONS) env.NODE_OPTIONS = withoutInspector(env.NODE_OPTIONS);
  return env;
}

/** `--inspect[-brk|-wait][=…]`, and `--inspect-port`/`--debug-port` with their value (`=` or the next word). */
const INSPECTOR = /(^|\s)(?:--inspect(?:-brk|-wait|-publish-uid)?(?:=(?:"[^"]*"|\S*))?|--(?:inspect|debug)-port(?:=(?:"[^"]*"|\S*)|\s+\S+))(?=\s|$)/g;

// Spaces are left as they are: a quoted path may hold several in a row.
export const withoutInspector = (nodeOptions: string): string => nodeOptions.replace(INSPECTOR, '$1').trim();
