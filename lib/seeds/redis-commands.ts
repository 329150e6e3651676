/** One command of a redis init script, with the line it came from (for error messages). */
export interface RedisCommand {
  line: number;
  args: string[];
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

/**
 * A file of redis commands, one a line, as `redis-cli < file` reads it: words split on blanks,
 * "double quotes" with \n, \t, \xHH… escapes, 'single quotes' with only \' . Blank lines and
 * lines starting with # are skipped.
 */
export function parseRedisCommands(text: string): RedisCommand[] {
  const commands: RedisCommand[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    commands.push({ line: index + 1, args: splitArgs(line, index + 1) });
  });
  return commands;
}

function splitArgs(line: string, number: number): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (i >= line.length) break;
    let word = '';
    const quote = line[i] === '"' || line[i] === "'" ? line[i++] : undefined;
    for (;;) {
      if (i >= line.length) {
        if (quote) throw new SyntaxError(`line ${number}: unbalanced ${quote}`);
        break;
      }
      const c = line[i++]!;
      if (!quote) {
        if (c === ' ' || c === '\t') break;
        word += c;
      } else if (c === quote) {
        if (i < line.length && line[i] !== ' ' && line[i] !== '\t') throw new SyntaxError(`line ${number}: a closing quote must be followed by a space`);
        break;
      } else if (c === '\\' && quote === '"' && i < line.length) {
        const next = line[i++]!;
        const hex = next === 'x' ? /^[0-9a-f]{2}/i.exec(line.slice(i))?.[0] : undefined;
        if (hex) {
          word += String.fromCharCode(Number.parseInt(hex, 16));
          i += 2;
        } else word += ESCAPES[next] ?? next;
      } else if (c === '\\' && quote === "'" && line[i] === "'") {
        word += "'";
        i++;
      } else word += c;
    }
    args.push(word);
  }
  return args;
}
