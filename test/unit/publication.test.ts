import { expect, test } from '@jest/globals';

// The built library: it reaches lib/isolation's CommonJS sources (.cts), which this Jest config does not
// transform; `npm test` builds dist/ first.
const { publicationKeys, withdrawPublication } = (await import('../../dist/lib/runner/publication.js' as string)) as typeof import('../../lib/runner/publication.js');
import { serviceEnv } from '../../lib/service/env.js';

test("withdrawPublication takes out every variable a publication put in, and nothing of a user's SANDPIT_* settings", () => {
  const db = { name: 'my-db', url: 'mysql://u:p@127.0.0.1:1/app', host: '127.0.0.1', port: 1, containerId: 'c1', user: 'u', password: 'p', database: 'app', rootPassword: 'r' };
  const cache = { name: 'cache', url: 'redis://127.0.0.1:2', host: '127.0.0.1', port: 2, containerId: 'c2' };
  const publication = {
    SANDPIT_SESSION: 's',
    SANDPIT_SERVICES: JSON.stringify({ 'my-db': 'SANDPIT_MY_DB', cache: 'SANDPIT_CACHE' }),
    SANDPIT_EXEC: '/tmp/x.sock',
    SANDPIT_ISOLATION: '{}',
    ...serviceEnv(db as never),
    ...serviceEnv(cache as never),
  };
  const settings = { SANDPIT_REUSE: 'force', SANDPIT_PROJECT: 'p', PATH: '/bin' };
  const env: NodeJS.ProcessEnv = { ...settings, ...publication };
  expect(publicationKeys(env)).toEqual(expect.arrayContaining(Object.keys(publication)));
  withdrawPublication(env);
  expect(env).toEqual(settings);
  // A SANDPIT_SERVICES that is not ours: only the run's own names go.
  const odd: NodeJS.ProcessEnv = { SANDPIT_SERVICES: 'nope', SANDPIT_SESSION: 's', SANDPIT_CACHE_URL: 'x' };
  withdrawPublication(odd);
  expect(odd).toEqual({ SANDPIT_CACHE_URL: 'x' });
});
