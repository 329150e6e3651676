import { describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's types as a CommonJS TypeScript project resolves them: `moduleResolution: node10`
 * (the default for `module: commonjs` up to TypeScript 5) reads no `exports`, so each subpath
 * needs its own way to its .d.ts. The package is linked in as npm would install it (built dist).
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');

describe('types for a CommonJS TypeScript project (moduleResolution node10)', () => {
  test('sandpit-services, sandpit-services/jest and sandpit-services/vitest resolve and check', async () => {
    const project = mkdtempSync(path.join(os.tmpdir(), 'sandpit-cjs-types-'));
    try {
      mkdirSync(path.join(project, 'node_modules'));
      symlinkSync(root, path.join(project, 'node_modules/sandpit-services'), 'dir');
      writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({
        compilerOptions: {
          module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0', strict: true, noEmit: true,
          skipLibCheck: true, types: [], typeRoots: [path.join(root, 'node_modules/@types')],
        },
        files: ['index.ts'],
      }));
      writeFileSync(path.join(project, 'index.ts'), [
        "import type { SandpitConfig, StartOptions } from 'sandpit-services';",
        "import { service } from 'sandpit-services/jest';",
        "export const config = { services: { db: { preset: 'mysql', database: 'shop', isolation: 'worker' }, web: { image: 'nginx:1.27', ports: [80] } }, reuse: true } satisfies SandpitConfig;",
        "// @ts-expect-error: a key no preset has (initScript) is caught in the config file itself",
        "export const typo = { services: { db: { preset: 'mysql', initScript: ['x.sql'] } } } satisfies SandpitConfig;",
        "// @ts-expect-error: a copy per worker is mysql's and redis' only",
        "export const notIsolatable = { services: { site: { preset: 'httpd', isolation: 'worker' } } } satisfies SandpitConfig;",
        "// @ts-expect-error: a custom image takes no preset's option (root is httpd's)",
        "export const custom = { services: { web: { image: 'nginx:1.27', root: './public' } } } satisfies SandpitConfig;",
        "import type { SandpitContext } from 'sandpit-services/vitest';",
        "export const options: StartOptions = { preset: 'redis' };",
        "export const url: string = service('cache').url;",
        "export type Provided = SandpitContext['services'];",
        "import { startAll, type MysqlService, type RedisService } from 'sandpit-services';",
        "export async function group(): Promise<[MysqlService, RedisService]> { const [db, cache] = await startAll([{ preset: 'mysql' }, 'redis']); return [db, cache]; }",
        "import { start } from 'sandpit-services';",
        "export async function typos(): Promise<void> {",
        "  // @ts-expect-error: a key no preset has (initScript): start()'s options are a generic, where TypeScript checks no excess keys by itself",
        "  await start({ preset: 'mysql', initScript: ['x.sql'] });",
        "  // @ts-expect-error: database is mysql's, not redis'",
        "  await start({ preset: 'redis', database: 'x' });",
        "  // @ts-expect-error: env is a custom image's",
        "  await start({ preset: 'redis', env: { A: '1' } });",
        "  const db: MysqlService = await start({ preset: 'mysql', initScripts: ['x.sql'], database: 'shop' });",
        "  await start({ image: 'nginx:1.27', ports: [80], env: { A: '1' }, ready: { http: '/' } });",
        "  void db;",
        "}",
        '',
      ].join('\n'));
      const result = await execa(process.execPath, [tsc, '-p', project], { reject: false });
      expect({ exitCode: result.exitCode, stdout: result.stdout }).toEqual({ exitCode: 0, stdout: '' });
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }, 60_000);
});
