import { execa, type Options, type ResultPromise } from 'execa';
import { fileURLToPath } from 'node:url';
import { track } from '../helpers/children.js';
import { containersWith } from '../helpers/engine.js';

/** The built CLI, run as the bin's shebang runs it (`node --`, so Node 20 leaves --env-file alone). */
export const main = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

// No CI variable from the runner: each test says which output mode it wants.
const { CI: _ci, ...env } = process.env;

/** Text in, text out (the options never change encodings), so results are typed as strings. */
export const sandpit = (args: string[], options: Pick<Options, 'cwd' | 'env' | 'input'> = {}) =>
  track(execa('node', ['--', main, ...args], { reject: false, extendEnv: false, ...options, env: { ...env, ...options.env } }) as ResultPromise<{ reject: false }>);

/**
 * The CLI under `script`'s pseudo-terminal, as a person at a terminal runs it; `cols` gives that
 * terminal a width, as a real one has. Same environment as `sandpit()`: no CI variable from the runner.
 */
export const onTerminal = (command: string, { cols, ...options }: Pick<Options, 'cwd' | 'env' | 'input'> & { cols?: number } = {}) =>
  track(
    execa('script', ['-qec', `${cols ? `stty cols ${cols}; ` : ''}node -- ${main} ${command}`, '/dev/null'], {
      reject: false,
      extendEnv: false,
      ...options,
      env: { ...env, ...options.env },
    }) as ResultPromise<{ reject: false }>,
  );

/** Names unique per run: other suites use the same engine at the same time. */
export const unique = (base: string) => `${base}${Math.random().toString(36).slice(2, 8)}`;

/** Containers of the service this test named: the only ones its assertions may look at. */
export const named = (name: string) => containersWith(`sandpit.name=${name}`);

/** Resolves once a foreground `up` printed its services (they are ready). */
export const readyLine = (child: ResultPromise) =>
  new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => chunk.toString().includes('Ctrl-C') && resolve());
    void child.then(() => reject(new Error('up ended before it was ready')));
  });

/** Resolves once `text` shows on the child's stderr. */
export const saw = (child: ResultPromise, text: string) =>
  new Promise<void>((resolve, reject) => {
    let all = '';
    child.stderr!.on('data', (chunk: Buffer) => (all += chunk.toString()).includes(text) && resolve());
    void child.then(() => reject(new Error(`ended before printing ${text}`)));
  });

export const lastLine = (text: unknown) => String(text).trim().split('\n').at(-1);
export const firstLine = (text: unknown) => String(text).trim().split('\n')[0];

/** Fails with what sandpit said, not just its exit code. */
export function expectExit(result: { exitCode?: number; stderr: string }, code: number): void {
  if (result.exitCode !== code) throw new Error(`expected exit ${code}, got ${result.exitCode}; stderr:\n${result.stderr}`);
}

/**
 * Builds the offline images first (a no-op once they are here): a first start would otherwise
 * spend a test's whole timeout building one.
 */
export async function ensureImages(): Promise<void> {
  const built = await sandpit(['images', 'build']);
  expectExit(built, 0);
}
