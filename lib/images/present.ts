import type { ImageInspectInfo } from 'dockerode';
import { engineCalls } from '../docker/calls.js';

/** One inspect call: this is on the hot path of every start. */
export async function present(image: string): Promise<boolean> {
  return (await (await engineCalls()).image(image)) !== undefined;
}

/** The image's inspect, or undefined when the engine does not have it: one call, passed on rather than asked again. */
export async function inspectImage(image: string): Promise<ImageInspectInfo | undefined> {
  return (await engineCalls()).image(image);
}
