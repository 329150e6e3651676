import { SandpitError } from '../errors.js';
import type { PresetName, Service, StartOptions } from '../types.js';
import { start } from './start.js';

/**
 * Starts several services in parallel. If any fails, the ones that did start are stopped
 * before the first error is rethrown: a half-started group leaves nothing behind.
 */
export async function startAll(list: (PresetName | StartOptions)[]): Promise<Service[]> {
  assertDistinctNames(list);
  const results = await Promise.allSettled(list.map((options) => start(options as StartOptions)));
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.allSettled(started.map((s) => s.stop()));
    throw failed.reason;
  }
  return started;
}

/** Names are how services are found again (`sandpit exec db`, SANDPIT_DB_URL): they must differ. */
export function assertDistinctNames(list: (PresetName | StartOptions)[]): void {
  const names = list.map((o) => (typeof o === 'string' ? o : (o.name ?? ('preset' in o ? o.preset : undefined))));
  const duplicate = names.find((name, i) => name !== undefined && names.indexOf(name) !== i);
  if (duplicate) {
    throw new SandpitError('INVALID_OPTION', `Two services are named "${duplicate}". Give each a distinct name (--name, or a config key).`);
  }
}
