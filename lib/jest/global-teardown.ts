import type { JestGlobalConfig } from './global-setup.js';
import { waitsAtEnd } from '../runner/session.js';
import { remember, started } from './state.js';

/**
 * Ends the services after a normal run. Jest skips this on Ctrl-C and process.exit(); the core's
 * watchdog covers those, so this is only the fast, tidy path.
 */
export default async function globalTeardown(globalConfig: JestGlobalConfig): Promise<void> {
  const current = started();
  // In watch mode they serve every rerun; they go when Jest exits.
  if (!current || globalConfig.watch || globalConfig.watchAll) return;
  remember(undefined);
  // Jest exits right after this: the watchdog removes the containers as it does (SANDPIT_TEARDOWN=wait: here).
  await current.session.close({ wait: waitsAtEnd() });
}
