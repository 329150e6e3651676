import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The folder a service's snapshots are recorded for ("db in ~/mono/packages/api"): the package its init scripts
 * are in (the nearest folder above them with a package.json), else the folder the run started in. A monorepo's
 * root run gave every package's `db` one origin, so one package's seed edits counted against the snapshots
 * another's kept (superseded.ts keeps three per origin), and `images ls` named the root for both.
 */
export function originFolder(scripts: readonly string[], cwd = process.cwd()): string {
  const files = scripts.map((entry) => path.resolve(cwd, entry)).filter((file) => existsSync(file)); // not inline SQL
  const packages = new Set(files.map((file) => packageOf(file) ?? cwd));
  return packages.size === 1 ? [...packages][0]! : cwd;
}

function packageOf(file: string): string | undefined {
  // A folder of scripts may be the package itself (initScripts: ['.']).
  for (let dir = statSync(file).isDirectory() ? file : path.dirname(file); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}
