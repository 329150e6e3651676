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
