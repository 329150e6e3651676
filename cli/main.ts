#!/usr/bin/env -S node --
// (`node --`: Node 20 would otherwise claim a `--env-file` flag anywhere on the command line as its own.)
import { createRequire } from 'node:module';
import { commands } from './commands/index.js';
import { arm } from './deadline.js';
import leven from 'leven';
import { renamedFlag } from './flags.js';
import { withCommandSeparator } from './exec-args.js';
import { composeCommand, composeFlag } from './compose-words.js';
import { version } from './version.js';

// yargs 17's CommonJS build: it loads in ~25 ms here, against ~75 ms for yargs 18, whose string-width 8
// builds an Intl.Segmenter and Unicode-set regexes at import, on every run of every command. Its ESM build
// would be ~35 ms, but lays help out with cliui's dependency-free wrap, which breaks words mid-word.
const require = createRequire(import.meta.url);
const yargs = require('yargs') as typeof import('yargs').default;
const { hideBin } = require('yargs/helpers') as typeof import('yargs/helpers');

const args = withCommandSeparator(hideBin(process.argv));
/** Once a command has returned or said its error: what may still be under way gets this long (an unref'd timer). */
const DONE_GRACE_MS = 1000;

// `npm run sandpit -- up httpd --root ./site` runs in the package's folder; the paths were typed in another.
if (process.env.npm_lifecycle_event === 'sandpit' && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

// `sandpit ls | head`: a reader that stops early is no failure. Later output is dropped and the command
// goes on to its end (a foreground `up` still removes its services on Ctrl-C), as `docker ps | head` does.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

// Command modules are light: each handler imports the library only when it runs, so
// `sandpit --help` never loads testcontainers or a database client.
const cli = yargs(args)
  .scriptName('sandpit')
  .parserConfiguration({ 'populate--': true })
  .usage('$0 <command> [options]\n\nThrowaway, real services for tests and dev shells.')
  .command(commands)
  .option('verbose', { type: 'boolean', describe: 'On errors, show the cause chain and container logs', global: true })
  .demandCommand(1, 'Pick a command.')
  .recommendCommands()
  .strict()
  .version(version())
  .alias('h', 'help')
  .example('$0 up redis', 'a Redis until Ctrl-C')
  .example('$0 shell', 'a throwaway Ubuntu with this folder at /work')
  .example('$0 doctor', 'check this machine')
  .epilogue('Run `sandpit <command> --help` for its options and examples. Something off? `sandpit doctor`.')
  .wrap(Math.min(100, process.stdout.columns || 100))
  .fail((message, error, y) => {
    // A handler's error is reported by the catch below (exit 1); yargs' own and .check()'s are usage.
    if (error instanceof Error && error.name !== 'YError') throw error;
    // A bare `sandpit` wants the overview; a typo wants the one line saying what was wrong.
    if (args.length === 0) y.showHelp('error');
    // recommendCommands() says only "Did you mean up?"; the user also needs what was wrong.
    const listed = /^Unknown arguments?: (.+)$/.exec(message)?.[1]?.split(', ') ?? [];
    // yargs lists `--init-scripts` twice, as typed and camel-cased (init-scripts, initScripts): once is enough.
    const unknown = listed.filter((u) => !listed.includes(u.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)) || !/[A-Z]/.test(u));
    if (unknown.length > 0) message = `Unknown argument${unknown.length === 1 ? '' : 's'}: ${unknown.join(', ')}`;
    const known = Object.keys((cli as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key).filter((k) => !/[A-Z]/.test(k));
    const renamed = [...new Set(unknown.map((u) => renamedFlag(u) ?? composeFlag(commandOf().trim(), u) ?? closeFlag(u, known)).filter(Boolean))].join(' ');
    // compose's stop, ps, restart…: what each is here, not "Did you mean up?" or a list of unknown words.
    const word = args.find((a) => !a.startsWith('-'));
    const compose = commandOf() === '' ? composeCommand(word) : undefined;
    // yargs counts a missing <name> ("got 0, need at least 1"); the user needs what to type.
    const which = message.startsWith('Not enough non-option arguments') ? NAME_FIRST[commandOf().trim()] : undefined;
    const said = compose
      ? `Unknown command "${word}". ${compose}.`
      : message.startsWith('Did you mean')
      ? `Unknown command "${args.find((a) => !a.startsWith('-'))}". ${message}`
      : which
        ? `Say which service: ${which} (see sandpit ls).`
        : `${message}${renamed ? `. ${renamed}` : ''}`;
    process.stderr.write(`sandpit: ${said}\n`);
    if (args.length > 0) process.stderr.write(`Run \`sandpit ${commandOf()}--help\` for usage.\n`);
    process.exit(2);
  });

/** `--detatch`: "Did you mean --detach?", when one flag of the command is that close. */
function closeFlag(typed: string, flags: string[]): string | undefined {
  const [best] = flags
    .filter((flag) => flag.length > 1) // -d, -i: no one mistypes a long flag into those
    .map((flag) => ({ flag, distance: leven(typed, flag) }))
    .sort((a, b) => a.distance - b.distance);
  // One edit, or two letters swapped (--tial) in a short word: --host is no --port, --foo no --root.
  const swapped = (a: string, b: string) => a.length === b.length && [...a].sort().join('') === [...b].sort().join('');
  const allowed = typed.length <= 5 ? 1 : Math.floor(typed.length / 3);
  return best && (best.distance <= allowed || (best.distance === 2 && swapped(typed, best.flag))) ? `Did you mean --${best.flag}?` : undefined;
}

/** The commands whose first word is a service's name, as each is typed. */
const NAME_FIRST: Record<string, string> = { exec: 'sandpit exec <name> -- <command>', logs: 'sandpit logs <name>' };

/** The command typed (`up `, `images build `), for the usage hint; nothing if it was not one. */
function commandOf(): string {
  // Words only: `sandpit --verbose logs` is the logs command too.
  const [first, second] = args.filter((a) => !a.startsWith('-'));
  const names = commands.map((c) => String(c.command).split(' ')[0]);
  if (!first || !names.includes(first)) return '';
  return first === 'images' && (second === 'build' || second === 'ls') ? `images ${second} ` : `${first} `;
}

// Before every command's handler yargs lays out that command's whole help (cliui, string-width: ~30 ms
// on each run here), in case the handler asks for it later. sandpit's handlers never do; --help and
// usage errors render their own. Angular's CLI skips it the same way (angular/angular-cli#34087).
if (!args.includes('--help') && !args.includes('-h')) {
  type Internals = { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } | undefined } };
  const usage = (cli as unknown as Internals).getInternalMethods?.().getUsageInstance?.();
  if (usage?.cacheHelpMessage) usage.cacheHelpMessage = () => {};
}

try {
  arm(args.find((a) => !a.startsWith('-')));
  await cli.parseAsync();
} catch (error) {
  const { interrupted, waitForever } = await import('./interrupt.js');
  // After Ctrl-C the cleanup owns the exit code (130) and the last word.
  if (interrupted()) await waitForever();
  const { report } = await import('./output.js');
  process.exitCode = report(error, args.includes('--verbose'));
}
// The command is done, its outcome said. A request to an engine that stopped answering (a frozen dind)
// would still hold the process until the deadline (2 min for ls, after its error at 3 s; doctor's whole
// report at 3 s, then a TIMEOUT at 60 s). Not while a Ctrl-C's cleanup runs: that one ends the process.
setTimeout(() => {
  void import('./interrupt.js').then(({ interrupted }) => interrupted() || process.exit());
}, DONE_GRACE_MS).unref();
