import { defineConfig } from 'vitest/config';

// Starts the services of sandpit.config.ts once per run, and removes them however the run ends.
export default defineConfig({ test: { globalSetup: ['sandpit-services/vitest'] } });
