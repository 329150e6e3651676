import { docker } from '../docker/client.js';

/** One inspect call: this is on the hot path of every start. */
export async function present(image: string): Promise<boolean> {
  const client = await docker();
  try {
    await client.container.dockerode.getImage(image).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}
