import type { ImageInspectInfo } from 'dockerode';
import { engineCalls } from '../docker/calls.js';

/** The image's inspect, or undefined when the engine does not have it: one call, passed on rather than asked again. */
export async function inspectImage(image: string): Promise<ImageInspectInfo | undefined> {
  return (await engineCalls()).image(image);
}

/** One inspect call: this is on the hot path of every start. */
export const present = async (image: string): Promise<boolean> => (await inspectImage(image)) !== undefined;
