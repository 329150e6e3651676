import { presets, type PresetName } from '../../lib/presets/index.js';
import { resolveImage } from '../../lib/images/resolve.js';

/** The image a preset runs on this engine (built from Debian packages here: no registry). */
export async function presetImage(preset: PresetName): Promise<string> {
  const { name, image, offline } = presets[preset];
  return (await resolveImage({ name, image, offline }, undefined)).image;
}
