// A TypeScript config: sandpit compiles it itself, no ts-node needed.
import type { StartOptions } from 'sandpit-services';

const services: Record<string, StartOptions> = {
  cache: { preset: 'redis' },
  db: { preset: 'mysql', database: 'shop', initScripts: ['db/schema.sql'] },
  site: { preset: 'httpd', root: 'public' },
  box: { preset: 'ubuntu' },
};

export default { services };
