/**
 * Init scripts ("seeds") with the official images' semantics: entries are checked before any
 * container starts, copied into the init folder as a tar stream before it starts, run there by the
 * image's own entrypoint (the `mysql` client for SQL), and a failure is read back from the log.
 */
export { SCRIPT_FILE, checkEntries, dataIn, entryKind, isPathEntry, scriptsIn } from './entries.js';
export { INIT_DIR, OWN_SCRIPT_PREFIX, seedFailure } from './failure.js';
export { NOTICE_MARK, noticesIn } from './notices.js';
export { packSeeds } from './pack.js';
export { planSeeds, type Seed } from './plan.js';
export { seedPaths, seedStamp } from './stamp.js';
