/** `sandpit exec`'s own options before the name: the words a line may hold there and still be understood. */
const FLAGS = new Set(['-i', '--interactive', '--no-interactive', '-t', '--tty', '--no-tty', '-T', '-it', '-ti', '-iT', '-Ti', '--verbose', '-h', '--help', '--version']);
/** Those that take a value (docker exec's -u, -w and -e among them): the word after one is no service name. */
const VALUED = new Set(['--project', '-u', '--user', '-w', '--workdir', '-e', '--env']);
/** The same, value and all in one word: `--user=root`. */
const LONG_JOINED = /^--(project|user|workdir|env)=/;
/** docker's `-uroot`, `-eNAME=x`: yargs reads those as a group of one-letter flags, so they are split in two. */
const SHORT_JOINED = /^(-[uwe])(.+)$/;

const own = (word: string) => FLAGS.has(word) || LONG_JOINED.test(word) || SHORT_JOINED.test(word);
const split = (words: string[]) => words.flatMap((word) => SHORT_JOINED.exec(word)?.slice(1) ?? [word]);

/**
 * `sandpit exec db mysql -ushop -e '…'`, typed as `docker exec` takes it: everything after the service's name is
 * the command. yargs read the command's flags as sandpit's; `-ushop` holds an `h`, which printed exec's help
 * and exited 0, having run nothing. Returns the line with `--` right after the name, unless one follows it
 * already with only sandpit's options between (`exec db --project api -- ls`), or stands before it. Options
 * before the name stay sandpit's (`exec -i db …`, `exec -u root db …`); a line with one sandpit does not know
 * there is left as typed, for yargs to say so.
 */
export function withCommandSeparator(args: string[]): string[] {
  const command = args.findIndex((a) => !a.startsWith('-'));
  if (command < 0 || args[command] !== 'exec' || args.slice(0, command).includes('--')) return args;
  for (let i = command + 1; i < args.length; i++) {
    const word = args[i]!;
    if (word === '--') return split(args.slice(0, i)).concat(args.slice(i));
    if (VALUED.has(word)) {
      i++;
      continue;
    }
    if (own(word)) continue;
    if (word.startsWith('-')) return args;
    const dashes = ownOptionsThenDashes(args, i + 1);
    if (dashes < 0) return [...split(args.slice(0, i + 1)), '--', ...args.slice(i + 1)];
    return [...split(args.slice(0, dashes)), ...args.slice(dashes)];
  }
  return split(args);
}

/**
 * Where the `--` is when nothing but sandpit's own options stand between `from` and it (`exec db --project api
 * -- ls`): its index, or the line's length when nothing follows; -1 when a command word comes first.
 */
function ownOptionsThenDashes(args: string[], from: number): number {
  for (let i = from; i < args.length; i++) {
    const word = args[i]!;
    if (word === '--') return i;
    if (VALUED.has(word)) i++;
    else if (!own(word)) return -1;
  }
  return args.length;
}
