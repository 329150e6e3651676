import { failure } from './failure.js';
import type { PresetName, StartOptions } from '../types.js';
import { normalise } from '../options/normalise.js';

/** Everything a start would refuse, refused now, as the start says it (plan.ts): used before drawing progress for a group. */
export async function checkOptions(input: PresetName | StartOptions): Promise<void> {
  const n = normalise(input);
  await Promise.resolve()
    .then(() => n.preset.resolve(n.presetOptions))
    .catch((error: unknown) => {
      throw failure(n, 'config', error, '');
    });
}
