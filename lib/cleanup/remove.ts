import { engineCalls } from '../docker/calls.js';
import { LABEL } from './labels.js';

/** Force-removes containers (and their anonymous volumes) matching a label filter; returns those gone now. */
export async function removeByLabel(...filters: string[]): Promise<string[]> {
  const found = await (await engineCalls()).list({ label: [LABEL.managed, ...filters] });
  const removals = await Promise.allSettled(found.map((c) => removeContainer(c.Id)));
  // A removal the engine refused is not said done ("removed 2 containers" when one was still there).
  return found.filter((_, i) => removals[i]!.status === 'fulfilled').map((c) => c.Id);
}

export async function removeContainer(id: string): Promise<void> {
  const engine = await engineCalls();
  try {
    // force: SIGKILL then remove, in one call; never wait out a 10 s stop timeout.
    await engine.remove(id);
  } catch (error) {
    if (!isGone(error)) throw error;
  }
}

const isGone = (error: unknown) => {
  const status = (error as { statusCode?: number }).statusCode;
  return status === 404 || status === 409; // already gone, or removal already in progress
};
