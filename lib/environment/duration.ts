/**
 * "90s", "1500ms" or a bare number in `bare` units, as milliseconds; undefined when it is none of those.
 * One reading for SANDPIT_STARTUP_TIMEOUT, `--timeout` (bare: ms) and SANDPIT_COMMAND_TIMEOUT (bare: s).
 * An exponent too (1e4): a number as JavaScript prints it, and as yargs read `--timeout` when it was one.
 */
export function durationMs(text: string, bare: 'ms' | 's'): number | undefined {
  const match = /^(\d+(?:\.\d+)?(?:[eE]\d+)?)(ms|s)?$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * ((match[2] ?? bare) === 's' ? 1000 : 1);
}
