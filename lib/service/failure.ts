import { SandpitError, describe, isSandpitError, type Stage } from '../errors.js';
import type { Normalised } from '../options/normalise.js';

/** How much of a failed container's log an error carries. */
export const LOG_LINES = 20;

/** Any error on the way to a ready service, as a SandpitError that names the service and ends with its log. */
export function failure(n: Normalised, stage: Stage, error: unknown, logs: string): SandpitError {
  // Preset messages start "mysql: …"; a service named "db" should be named in its own error.
  const presetPrefix = `${n.presetName}: `;
  if (isSandpitError(error) && n.name !== n.presetName && error.message.startsWith(presetPrefix)) {
    const message = `${n.name} (${n.presetName}): ${error.message.slice(presetPrefix.length)}`;
    // Its cause stays its own: the error under the preset's name says nothing more (a CLI hint offered it).
    error = new SandpitError(error.code, message, { ...error, logs: error.logs, cause: error.cause });
  }
  const noise = n.preset.logNoise;
  const tail = logs
    .trimEnd()
    .split('\n')
    .filter((line) => !noise?.test(line))
    .slice(-LOG_LINES)
    .join('\n');
  const withLogs = tail ? `\nLast ${LOG_LINES} log lines of ${n.name}:\n${tail}` : '';
  if (isSandpitError(error)) {
    return new SandpitError(error.code, `${error.message}${withLogs}`, {
      cause: error.cause ?? error,
      service: n.name,
      stage: error.stage ?? stage,
      option: error.option,
      // A snapshot's build failed in a container of its own: its logs are the error's, this stage has none.
      logs: tail || error.logs,
    });
  }
  // An option the preset could not check (a path that is no folder: ENOTDIR) is the user's input, not a start.
  if (stage === 'config') return new SandpitError('INVALID_OPTION', `${n.name}: ${describe(error)}. Check its options.`, { cause: error, service: n.name, stage });
  return new SandpitError('NOT_READY', `${n.name}: failed at ${stage}: ${describe(error)}${mismatch(n, stage, error)}${withLogs}`, {
    cause: error,
    service: n.name,
    stage,
    logs: tail,
  });
}

/** `up redis --image some-httpd`: the engine says only that redis-server is not in it. */
function mismatch(n: Normalised, stage: Stage, error: unknown): string {
  // Only the start's "no such program": a bind source missing on the engine's side says "no such file" too.
  if (n.image === undefined || stage !== 'start' || !/executable file not found/i.test(describe(error))) return '';
  return `. The image ${n.image} lacks what the ${n.presetName} preset runs: give an image of ${n.presetName} (or leave the image option out)`;
}
