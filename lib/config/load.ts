import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { lilconfig, type Loader } from 'lilconfig';
import { SandpitError, describe } from '../errors.js';

/** The file names users may pick; one per folder (refuseSiblings), searched in this order. */
export const CONFIG_FILES = ['sandpit.config.json', 'sandpit.config.js', 'sandpit.config.mjs', 'sandpit.config.cjs', 'sandpit.config.ts'];

/**
 * The file as it is now: Node keeps an imported module for good, so a watch-mode rerun read the config it
 * started with (a .ts went through jiti, uncached, and was read anew). An ES module by a URL of its
 * content; a CommonJS one, which Node keeps by its real path, out of require's cache first. Files the
 * config imports are Node's to keep: an edit of those shows at the next start.
 */
const importDefault: Loader = async (file, content) => {
  for (const name of new Set([file, realpathSync(file)])) delete requireHere.cache[name];
  const version = createHash('sha256').update(content).digest('hex').slice(0, 16);
  const module = (await import(`${pathToFileURL(file).href}?v=${version}`)) as { default?: unknown };
  return module.default ?? module;
};
const requireHere = createRequire(import.meta.url);

// Node 20 cannot import .ts itself; jiti compiles it in memory (no cache files in the project),
// so a TypeScript config works without the project having TypeScript installed.
const importTs: Loader = async (file) => {
  const { createJiti } = await import('jiti');
  return createJiti(import.meta.url, { fsCache: false, moduleCache: false }).import(file, { default: true });
};

const parseJson: Loader = (_file, content) => JSON.parse(content) as unknown;

/**
 * The raw config and the file it came from. The search covers `cwd` and its parents up to
 * `stopDir` (default: `cwd` only), so a project never picks up a stray config from above it.
 */
export async function findConfig(cwd: string, stopDir = cwd): Promise<{ file: string; config: unknown } | undefined> {
  const shown = (file: string) => path.relative(cwd, file) || file;
  // Every loader error names its file: lilconfig itself only rethrows the cause.
  const naming = (loader: Loader, what: string): Loader => async (file, content) => {
    try {
      return await loader(file, content);
    } catch (cause) {
      throw new SandpitError('CONFIG_INVALID', `${shown(file)}${where(file, content, cause)}: ${what}: ${describe(cause).trimEnd()}${moduleHint(file, cause)}`, { cause, stage: 'config' });
    }
  };
  const searcher = lilconfig('sandpit', {
    searchPlaces: [...CONFIG_FILES, 'package.json'],
    stopDir: path.resolve(stopDir),
    cache: false,
    // An empty sandpit.config.json is a mistake to report, not a reason to look elsewhere.
    ignoreEmptySearchPlaces: false,
    loaders: {
      '.json': naming(parseJson, 'invalid JSON'),
      '.js': naming(importDefault, 'cannot be loaded'),
      '.mjs': naming(importDefault, 'cannot be loaded'),
      '.cjs': naming(importDefault, 'cannot be loaded'),
      '.ts': naming(importTs, 'cannot be loaded'),
    },
  });
  try {
    const found = await searcher.search(cwd);
    if (found) refuseSiblings(found.filepath);
    return found ? { file: found.filepath, config: found.config } : undefined;
  } catch (cause) {
    if (cause instanceof SandpitError) throw cause;
    throw new SandpitError('CONFIG_INVALID', `sandpit config in ${cwd}: cannot be read: ${describe(cause)}`, { cause, stage: 'config' });
  }
}

/**
 * Where a test run's config search stops: the repository `dir` is in (the nearest folder above with `.git`),
 * so that a run in a monorepo's package (`jest` in packages/api, `--selectProjects api`) finds the root's
 * config, and nothing outside the repository is read. Not in a repository: `dir` only.
 */
export function repositoryRoot(dir: string): string {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    if (existsSync(path.join(at, '.git'))) return at;
    if (path.dirname(at) === at) return path.resolve(dir);
  }
}

/** A .js config in the other module system than its package.json says: how to make them agree. */
function moduleHint(file: string, cause: unknown): string {
  if (path.extname(file) !== '.js') return '';
  const message = describe(cause);
  // Node says "… in ES module scope"; under Jest's vm modules (this loader's unit test) only "… is not defined".
  if (/\b(module|require|exports) is not defined\b/.test(message)) {
    return '. Its package.json says "type": "module": rename it sandpit.config.cjs, or write `export default { … }`';
  }
  if (/Cannot use import statement outside a module|Unexpected token 'export'/.test(message)) {
    return '. Its package.json does not say "type": "module": rename it sandpit.config.mjs, or write `module.exports = { … }`';
  }
  return '';
}

/**
 * ":line:column" of a config's error, where the parser or the stack tells it, so that the first line
 * points at the mistake: JSON.parse gives an offset (Node 20), jiti's parser and a throwing config
 * the file's own line in the message or stack.
 */
function where(file: string, content: string, cause: unknown): string {
  const text = `${(cause as Error | undefined)?.message ?? ''}\n${(cause as Error | undefined)?.stack ?? ''}`;
  const offset = /in JSON at position (\d+)/.exec(text)?.[1];
  if (offset !== undefined) {
    const lines = content.slice(0, Number(offset)).split('\n');
    return `:${lines.length}:${lines.at(-1)!.length + 1}`;
  }
  // Node names a module by its real path (a linked folder: macOS's temp dir, a package linked in).
  const real = (() => {
    try {
      return realpathSync(file);
    } catch {
      return file;
    }
  })();
  const names = [...new Set([file, real])].flatMap((name) => [name, pathToFileURL(name).href]).map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  // An ES module's URL has its version after it (importDefault): file:///…/sandpit.config.mjs?v=…:3:7.
  const at = new RegExp(`(?:${names})(?:\\?v=[0-9a-f]+)?:(\\d+):(\\d+)`).exec(text);
  return at ? `:${at[1]}:${at[2]}` : '';
}

/**
 * Two config files in one folder: one would be ignored without a word (a .ts written beside an old
 * .json never took effect). Refused, as Jest refuses several configs.
 */
function refuseSiblings(file: string): void {
  const dir = path.dirname(file);
  // package.json's "sandpit" key too: beside a sandpit.config.ts it was ignored, where two files were refused.
  const present = [...CONFIG_FILES.filter((name) => existsSync(path.join(dir, name))), ...(hasSandpitKey(dir) ? ['package.json "sandpit"'] : [])];
  if (present.length > 1) {
    throw new SandpitError('CONFIG_INVALID', `${dir} has ${present.length} sandpit configs (${present.join(', ')}): keep one, and delete or rename the others.`, { stage: 'config' });
  }
}

function hasSandpitKey(dir: string): boolean {
  try {
    const manifest: unknown = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    return typeof manifest === 'object' && manifest !== null && 'sandpit' in manifest;
  } catch {
    return false; // none, or not JSON: npm says so itself
  }
}
