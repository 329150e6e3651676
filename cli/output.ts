import { styleText } from 'node:util';
import { isSandpitError } from '../lib/errors.js';
import { underCI } from '../lib/environment/ci.js';

const err = (text: string) => process.stderr.write(`${text}\n`);

/**
 * One line a person can act on, with the code for scripts; `--verbose` adds what is behind it:
 * the rest of the message, the container's last log lines, and the cause chain.
 */
export function report(error: unknown, verbose: boolean): number {
  if (!isSandpitError(error)) {
    err(`sandpit: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
  const [first, ...rest] = error.message.split('\n');
  err(`sandpit: ${first} (${error.code})`);
  const logsOnlyInField = error.logs && !error.message.includes(error.logs);
  if (!verbose) {
    // Named for what --verbose would add: a config error has no container, and a cause that only
    // repeats the first line (IMAGE_UNAVAILABLE's) adds nothing.
    const cause = error.cause instanceof Error ? error.cause.message : error.cause === undefined ? '' : String(error.cause);
    // Every error that carries log lines in its message has them in `logs` too (lib/service: failure, not-running).
    const more = [cause && !first!.includes(cause.split('\n')[0]!) ? 'the cause' : '', error.logs ? 'container logs' : ''].filter(Boolean);
    if (more.length === 0 && rest.length) more.push('the rest of the message');
    if (more.length) err(`  (run with --verbose for ${more.join(' and ')})`);
    return 1;
  }
  if (error.service || error.stage) err(`  service: ${error.service ?? '-'}, failed at: ${error.stage ?? '-'}`);
  if (rest.length) err(rest.join('\n'));
  if (logsOnlyInField) err(`Last log lines:\n${error.logs}`);
  for (let cause = error.cause, depth = 1; cause !== undefined && depth < 10; cause = (cause as { cause?: unknown }).cause, depth++) {
    err(`  caused by: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  return 1;
}

/** Fixed-width columns, for `ls` and `images ls`. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** Redrawn lines only for a person at a terminal; CI logs and pipes get plain lines. */
// A pseudo-terminal without a size (`script` with no terminal of its own) cannot be redrawn either.
// TERM=dumb (an editor's terminal, `script` logs) moves no cursor: its spinner lines were escape codes.
export const liveOutput = (): boolean => Boolean(process.stderr.isTTY && process.stderr.columns) && !underCI() && process.env.TERM !== 'dumb';

/** Colour only where it shows; hasColors() honours NO_COLOR, FORCE_COLOR and the terminal. */
export function paint(color: 'green' | 'red' | 'yellow' | 'dim', text: string, stream: NodeJS.WriteStream = process.stdout): string {
  return stream.isTTY && stream.hasColors?.() && !process.env.NO_COLOR ? styleText(color, text) : text;
}

export { shortFolder } from '../lib/cleanup/project.js';
