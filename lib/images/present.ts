import { engineCalls } from '../docker/calls.js';

/** One inspect call: this is on the hot path of every start. */
export async function present(image: string): Promise<boolean> {
  return (await (await engineCalls()).image(image)) !== undefined;
}
