import { readFileSync } from 'node:fs';

/** Read from package.json at run time, so a release never has to touch code. */
export const version = (): string =>
  (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
