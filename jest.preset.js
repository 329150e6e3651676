// `preset: 'sandpit-services'` in a Jest config: starts the services of sandpit.config.* once per run.
// Paths are absolute because Jest resolves relative ones against the user's rootDir. No
// testEnvironment here: the user's choice (node, jsdom…) stays theirs.
import { fileURLToPath } from 'node:url';

const built = (file) => fileURLToPath(new URL(`./dist/lib/jest/${file}`, import.meta.url));

/** @type {import('jest').Config} */
export default {
  globalSetup: built('global-setup.js'),
  globalTeardown: built('global-teardown.js'),
  // Per test file, in the workers: points SANDPIT_* at the worker's own copies (before the project's own
  // setupFiles, which Jest puts after a preset's: they may copy them to other names), then creates the copies.
  setupFiles: [built('worker-env.cjs')],
  setupFilesAfterEnv: [built('worker-setup.cjs')],
};
