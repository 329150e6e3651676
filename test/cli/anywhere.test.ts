import { beforeAll, describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { track } from '../helpers/children.js';
import { ensureImages, expectExit, main, named, sandpit, unique } from './run.js';
import { tempFolder } from '../helpers/temp.js';

beforeAll(ensureImages, 600_000);

const repo = fileURLToPath(new URL('../../', import.meta.url));
const { CI: _ci, ...env } = process.env;

describe('the CLI from any folder, however it is started', () => {
  test('the built bin is executable, in dist and in the packed tarball', async () => {
    expect(statSync(main).mode & 0o111).toBe(0o111);
    const { stdout } = await execa('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repo });
    const files = (JSON.parse(stdout) as { files: { path: string; mode: number }[] }[])[0]!.files;
    expect(files.find((f) => f.path === 'dist/cli/main.js')?.mode).toBe(0o755);
    // Stack traces through the package (a test's error from sandpit-services/jest) name files it has: no
    // shipped file points at a source map, nor a map at TypeScript sources, that the package does not ship.
    const shipped = new Set(files.map((f) => f.path));
    const pointed = [...shipped]
      .filter((file) => /\.c?js$/.test(file))
      .flatMap((file) => [.../\/\/# sourceMappingURL=(\S+)/.exec(readFileSync(path.join(repo, file), 'utf8'))?.slice(1) ?? []].map((map) => path.join(path.dirname(file), map)));
    const sources = pointed
      .filter((map) => shipped.has(map))
      .flatMap((map) => (JSON.parse(readFileSync(path.join(repo, map), 'utf8')) as { sources: string[] }).sources.map((source) => path.join(path.dirname(map), source)));
    const missing = [...pointed, ...sources].filter((file) => !shipped.has(file));
    expect(missing).toEqual([]);
  });

  test('`npm run sandpit` from another folder: a relative --root is relative to where it was typed', async () => {
    const here = tempFolder('anywhere');
    mkdirSync(path.join(here, 'site'), { mode: 0o755 });
    writeFileSync(path.join(here, 'site', 'hi.txt'), 'from ./site\n');
    const name = unique('anywhere');
    const up = await track(
      execa('npm', ['run', '--silent', '--prefix', repo, 'sandpit', '--', 'up', 'httpd', '-d', '--json', '--name', name, '--root', './site'], {
        cwd: here,
        reject: false,
        extendEnv: false,
        env,
      }),
    );
    try {
      expectExit(up as never, 0);
      const [site] = JSON.parse(String(up.stdout).slice(String(up.stdout).indexOf('[')));
      expect(await (await fetch(new URL('hi.txt', site.url))).text()).toBe('from ./site\n');
    } finally {
      await sandpit(['down', name], { cwd: here }); // its project: the folder it was typed in
    }
    expect(await named(name)).toEqual([]);
  });

  test('the bin run directly and as `node main.js`: --env-file (or --env-out, which Node 20 leaves alone) relative to the current folder', async () => {
    const here = tempFolder('anywhere');
    const name = unique('envout');
    const direct = await track(execa(main, ['up', 'redis', '-d', '--name', name, '--env-file', 'a.env'], { cwd: here, reject: false, extendEnv: false, env }));
    try {
      expectExit(direct as never, 0);
      expect(readFileSync(path.join(here, 'a.env'), 'utf8')).toContain(`SANDPIT_${name.toUpperCase()}_URL=redis://`);
      const viaNode = await track(execa('node', [main, 'ls', '--json'], { cwd: here, reject: false, extendEnv: false, env }));
      expect(viaNode.exitCode).toBe(0);
    } finally {
      await sandpit(['down', name], { cwd: here });
    }
    expect(await named(name)).toEqual([]);
    const other = unique('envout');
    const viaNode = await track(execa('node', [main, 'up', 'redis', '-d', '--name', other, '--env-out', 'b.env'], { cwd: here, reject: false, extendEnv: false, env }));
    try {
      expectExit(viaNode as never, 0);
      expect(readFileSync(path.join(here, 'b.env'), 'utf8')).toContain(`SANDPIT_${other.toUpperCase()}_PORT=`);
    } finally {
      await sandpit(['down', other], { cwd: here });
    }
    expect(await named(other)).toEqual([]);
  });
});
