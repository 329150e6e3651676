import { docker } from '../docker/client.js';
import { LABEL } from './labels.js';

/** Force-removes containers (and their anonymous volumes) matching a label filter. */
export async function removeByLabel(...filters: string[]): Promise<string[]> {
  const client = await docker();
  const found = await client.container.dockerode.listContainers({
    all: true,
    filters: { label: [LABEL.managed, ...filters] },
  });
  await Promise.allSettled(found.map((c) => removeContainer(c.Id)));
  return found.map((c) => c.Id);
}

export async function removeContainer(id: string): Promise<void> {
  const client = await docker();
  try {
    // force: SIGKILL then remove, in one call; never wait out a 10 s stop timeout.
    await client.container.getById(id).remove({ force: true, v: true });
  } catch (error) {
    if (!isGone(error)) throw error;
  }
}

const isGone = (error: unknown) => {
  const status = (error as { statusCode?: number }).statusCode;
  return status === 404 || status === 409; // already gone, or removal already in progress
};
