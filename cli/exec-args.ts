/** `sandpit exec`'s own options before the name: the words a line may hold there and still be understood. */
const FLAGS = new Set(['-i', '--interactive', '--no-interactive', '-t', '--tty', '--no-tty', '-T', '-it', '-ti', '-iT', '-Ti', '--verbose', '-h', '--help', '--version']);
/** Those that take a value: the word after one is no service name. */
const VALUED = new Set(['--project']);

/**
 * `sandpit exec db mysql -ushop -e '…'`, typed as `docker exec` takes it: everything after the service's name is
 * the command. yargs read the command's flags as sandpit's; `-ushop` holds an `h`, which printed exec's help
 * and exited 0, having run nothing. Returns the line with `--` right after the name, unless one follows it already
 * with only sandpit's options between (`exec db --project api -- ls`), or stands before it. Options before the name stay sandpit's (`exec -i db …`, `exec --project api db …`); a line
 * with one sandpit does not know there (docker's `-u root`) is left as typed, for yargs to say so.
 */
export function withCommandSeparator(args: string[]): string[] {
  const command = args.findIndex((a) => !a.startsWith('-'));
  if (command < 0 || args[command] !== 'exec' || args.slice(0, command).includes('--')) return args;
  for (let i = command + 1; i < args.length; i++) {
    const word = args[i]!;
    if (word === '--') return args;
    if (VALUED.has(word)) {
      i++;
      continue;
    }
    if (word.startsWith('--project=') || FLAGS.has(word)) continue;
    if (word.startsWith('-')) return args;
    return ownOptionsThenDashes(args, i + 1) ? args : [...args.slice(0, i + 1), '--', ...args.slice(i + 1)];
  }
  return args;
}

/** Nothing but sandpit's own options from `from` up to a `--` (`exec db --project api -- ls`), or nothing at all. */
function ownOptionsThenDashes(args: string[], from: number): boolean {
  for (let i = from; i < args.length; i++) {
    const word = args[i]!;
    if (word === '--') return true;
    if (VALUED.has(word)) i++;
    else if (!word.startsWith('--project=') && !FLAGS.has(word)) return false;
  }
  return true;
}
