import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { globalSetup: ['sandpit-services/vitest'] } });
