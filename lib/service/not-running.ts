import type { ContainerRuntimeClient } from 'testcontainers';
import { SandpitError } from '../errors.js';
import { logsOf } from './container.js';

const LOG_LINES = 10;

/**
 * exec() and logs() on a container that was killed, removed or paused get Docker's
 * "(HTTP code 409) …"; this says instead what became of the service, with its exit code and
 * last log lines. Anything else is passed on as it was.
 */
export async function whyNotRunning(client: ContainerRuntimeClient, id: string, name: string, error: unknown): Promise<unknown> {
  const status = (error as { statusCode?: number }).statusCode;
  if (status !== 404 && status !== 409) return error;
  const container = client.container.getById(id);
  const state = await container.inspect().then(
    (info) => info.State,
    () => undefined,
  );
  const details = { service: name, cause: error };
  if (!state) {
    return new SandpitError('NOT_RUNNING', `${name}: its container ${id.slice(0, 12)} was removed. Start the service again.`, details);
  }
  if (state.Paused) {
    return new SandpitError('NOT_RUNNING', `${name}: its container is paused. Resume it with \`docker unpause ${id.slice(0, 12)}\`.`, details);
  }
  if (state.Running) return error;
  const logs = (await logsOf(client, id, LOG_LINES).catch(() => '')).trimEnd();
  return new SandpitError(
    'NOT_RUNNING',
    `${name}: it is no longer running (exit code ${state.ExitCode}${state.OOMKilled ? ', out of memory' : ''}). Start it again; its last log lines say why it stopped.${logs ? `\nLast ${LOG_LINES} log lines of ${name}:\n${logs}` : ''}`,
    { ...details, logs },
  );
}
