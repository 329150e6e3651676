import type { JestGlobalConfig } from './global-setup.js';
import { remember, started } from './state.js';

/**
 * Stops the services after a normal run. Jest skips this on Ctrl-C and process.exit(); the core's
 * watchdog covers those, so this is only the fast, tidy path.
 */
export default async function globalTeardown(globalConfig: JestGlobalConfig): Promise<void> {
  const current = started();
  // In watch mode they serve every rerun; they go when Jest exits.
  if (!current || globalConfig.watch || globalConfig.watchAll) return;
  remember(undefined);
  await current.session.close();
}
