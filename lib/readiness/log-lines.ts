import type { Preset, Target } from '../preset.js';

/** The time an engine puts before each line (`timestamps`): RFC 3339, nanoseconds and `Z` (Docker) or an offset (Podman). */
const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d) /;

/** Re-read from this far before the last line seen: stdout and stderr are stamped apart, and may land out of order. */
const OVERLAP_S = 1;

/**
 * A `{ log }` ready check: every line since the container started, not the last 200 of them (a server that said
 * "started" and then logged 5000 lines was never ready; testcontainers reads the whole stream). Each try reads
 * what came after the last line seen (less OVERLAP_S, lines already seen dropped), by the engine's own clock (a
 * remote engine's may differ from this machine's), and the pattern is tested on all of it: one that spans lines,
 * or a line's second sighting (a server's "ready" said once during init and again when it serves), may span tries.
 */
export function logSays(pattern: RegExp): Preset['probe'] {
  const read = new WeakMap<Target, { since: string; seen: Set<string>; text: string[] }>(); // per start
  return async (t) => {
    const state = read.get(t) ?? { since: '0', seen: new Set<string>(), text: [] };
    read.set(t, state);
    for (const line of (await t.logsSince(state.since)).split('\n').filter(Boolean)) {
      if (state.seen.has(line)) continue;
      state.seen.add(line);
      state.text.push(line.replace(STAMP, ''));
      const at = engineSeconds(line);
      if (at !== undefined && at - OVERLAP_S > Number(state.since)) state.since = (at - OVERLAP_S).toFixed(9);
    }
    if (!pattern.test(state.text.join('\n'))) throw new Error(`no log line matches ${pattern}`);
  };
}

/** A stamped line's time in seconds (fraction kept to the microsecond a double holds); undefined without a stamp. */
export function engineSeconds(line: string): number | undefined {
  const match = STAMP.exec(line);
  if (!match) return undefined;
  const seconds = Date.parse(`${match[1]}${match[3]}`) / 1000;
  return Number.isNaN(seconds) ? undefined : seconds + Number(`0.${match[2] ?? '0'}`);
}
