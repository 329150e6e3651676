import type { PresetName, StartOptions } from '../types.js';
import { normalise } from './normalise.js';

/** Everything a start would refuse, refused now: used before drawing progress for a group. */
export async function checkOptions(input: PresetName | StartOptions): Promise<void> {
  const n = normalise(input);
  await n.preset.resolve(n.presetOptions);
}
