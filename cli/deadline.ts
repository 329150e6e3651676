import { SandpitError } from '../lib/errors.js';
import { durationMs } from '../lib/environment/duration.js';
import { runCleanup } from './interrupt.js';

/**
 * Every command ends, whatever hangs below sandpit (an engine that stops answering, a file-system
 * request that never returns): past its deadline it says so, removes what it started, and exits 1.
 * The wait a command exists for (a foreground `up` until Ctrl-C, the shell, `logs -f`, the command
 * `exec` runs) is not timed: the command calls `disarm()` when it gets there.
 */
const DEFAULT_S: Record<string, number> = { up: 1800, shell: 1800, images: 1800, doctor: 60 };
const OTHERS_S = 120;
const CLEANUP_MS = 10_000;

let timer: NodeJS.Timeout | undefined;

export function arm(command: string | undefined): void {
  const seconds = fromEnv() ?? DEFAULT_S[command ?? ''] ?? OTHERS_S;
  // unref: a finished command exits at once; a hung one still has its pending request keeping the loop alive.
  timer = setTimeout(() => void expire(command, seconds), seconds * 1000).unref();
}

export function disarm(): void {
  clearTimeout(timer);
}

async function expire(command: string | undefined, seconds: number): Promise<never> {
  process.stderr.write(
    `sandpit: \`sandpit ${command ?? ''}\` did not finish within ${seconds} s, so it was stopped; something below sandpit is stuck (try \`sandpit doctor\`). SANDPIT_COMMAND_TIMEOUT=600s allows longer. (TIMEOUT)\n`,
  );
  const grace = new Promise((resolve) => setTimeout(resolve, CLEANUP_MS).unref());
  await Promise.race([runCleanup('SIGTERM').catch(() => {}), grace]);
  process.exit(1);
}

function fromEnv(): number | undefined {
  const value = process.env.SANDPIT_COMMAND_TIMEOUT?.trim();
  if (!value) return undefined;
  const seconds = (durationMs(value, 's') ?? 0) / 1000;
  // Ignored, "abc" gave the default without a word; 0 stopped every command at once, blaming the engine.
  if (!(seconds > 0)) {
    throw new SandpitError('INVALID_OPTION', `Invalid SANDPIT_COMMAND_TIMEOUT "${value}": give seconds above 0, such as 600 or 600s (or 600000ms), or unset it.`);
  }
  // setTimeout takes at most 2^31-1 ms (~24.8 days); more would fire at once. A huge value means "no limit".
  return Math.min(seconds, MAX_S);
}

const MAX_S = Math.floor((2 ** 31 - 1) / 1000);
