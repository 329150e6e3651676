import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SandpitError, describe } from '../errors.js';
import { parseRedisCommands, type RedisCommand } from './redis-commands.js';

/** What applying needs of a connected client: @redis/client's sendCommand. */
export interface CommandSender {
  sendCommand(args: string[]): Promise<unknown>;
}

/** At most this many commands in flight: pipelined, without holding a whole seed's replies. */
const WINDOW = 1000;

/**
 * Runs init scripts (`skipped`: how many entries came before these, for the numbers of inline ones) (files of redis commands, or inline text) in order. The commands of a script
 * go pipelined, in order on one connection; the first error fails the start, naming the script
 * and its line.
 */
export async function applyRedisScripts(client: CommandSender, entries: string[], skipped = 0): Promise<void> {
  for (const [index, entry] of entries.entries()) {
    const inline = !path.isAbsolute(entry);
    const label = inline ? `#${index + 1 + skipped} (inline)` : path.basename(entry);
    let commands: RedisCommand[];
    try {
      commands = parseRedisCommands(inline ? entry : await readFile(entry, 'utf8'));
    } catch (error) {
      throw scriptFailed(label, describe(error), error);
    }
    for (let start = 0; start < commands.length; start += WINDOW) {
      const batch = commands.slice(start, start + WINDOW);
      const results = await Promise.allSettled(batch.map((c) => client.sendCommand(c.args)));
      const failed = results.findIndex((r) => r.status === 'rejected');
      if (failed >= 0) {
        const { line, args } = batch[failed]!;
        const reason = (results[failed] as PromiseRejectedResult).reason;
        throw scriptFailed(label, `line ${line} (${args[0] ?? ''}): ${describe(reason)}`, reason);
      }
    }
  }
}

const scriptFailed = (label: string, detail: string, cause: unknown) =>
  new SandpitError('INIT_SCRIPT_FAILED', `redis: init script ${label} failed at ${detail}. Fix the script, or remove it from initScripts.`, {
    cause,
    stage: 'ready',
    option: 'initScripts',
  });
