/** Options of `sandpit exec` that take a value: the word after one is no service name. */
const VALUED = new Set(['--project']);

/**
 * `sandpit exec db mysql -ushop -e '…'`, typed as `docker exec` takes it: everything after the service's name is
 * the command. yargs read the command's flags as sandpit's; `-ushop` holds an `h`, which printed exec's help
 * and exited 0, having run nothing. Returns the line with `--` after the name, when it has none and a command
 * follows; options before the name stay sandpit's (`exec -i db …`, `exec --project api db …`).
 */
export function withCommandSeparator(args: string[]): string[] {
  const command = args.findIndex((a) => !a.startsWith('-'));
  if (command < 0 || args[command] !== 'exec' || args.includes('--')) return args;
  for (let i = command + 1; i < args.length; i++) {
    const word = args[i]!;
    if (VALUED.has(word)) {
      i++;
      continue;
    }
    if (word.startsWith('-')) continue;
    return i === args.length - 1 ? args : [...args.slice(0, i + 1), '--', ...args.slice(i + 1)];
  }
  return args;
}
