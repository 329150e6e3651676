import { failure } from './failure.js';
import { normalise, type Normalised } from '../options/normalise.js';
import type { PresetName, StartOptions } from '../types.js';

/** The preset's resolved options; its errors ("httpd: root …") name a service named otherwise (failure()). */
export const resolveOptions = (n: Normalised): Promise<object> =>
  Promise.resolve()
    .then(() => n.preset.resolve(n.presetOptions))
    .catch((error: unknown) => {
      throw failure(n, 'config', error, '');
    });

/** Everything a start would refuse, refused now, as the start says it (plan.ts): used before drawing progress for a group. */
export async function checkOptions(input: PresetName | StartOptions): Promise<void> {
  await resolveOptions(normalise(input));
}
