// A TypeScript config: sandpit compiles it itself, no ts-node needed. `satisfies` checks every key.
import type { SandpitConfig } from 'sandpit-services';

export default {
  services: {
    cache: { preset: 'redis' },
    db: { preset: 'mysql', database: 'shop', initScripts: ['db/schema.sql'], isolation: 'worker' },
    site: { preset: 'httpd', root: 'public' },
    box: { preset: 'ubuntu' },
  },
} satisfies SandpitConfig;
