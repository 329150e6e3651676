import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { normalise } from '../options/normalise.js';
import type { StartOptions } from '../types.js';

/** Script entries that name files; the rest is inline text, already in the options. */
const isFile = (entry: string) => /\.(sql|redis|txt)$/i.test(entry.trim());

/**
 * The configuration a warm container was started with: the service's options, the image it comes
 * from (the official name and the recipe of the offline one) and the bytes of its init scripts.
 * A later run takes the container over only when this is equal.
 */
export async function reuseKey(options: StartOptions): Promise<string> {
  const { onProgress: _p, startupTimeout: _t, detached: _d, labels: _l, ...shaping } = options;
  const n = normalise(options);
  const scripts = 'initScripts' in shaping && Array.isArray(shaping.initScripts) ? shaping.initScripts : [];
  const bytes = await Promise.all(scripts.filter(isFile).map((file) => readFile(file)));
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ v: 1, options: sorted(shaping), image: n.preset.image, offline: n.preset.offline }));
  for (const chunk of bytes) hash.update(chunk);
  return hash.digest('hex').slice(0, 32);
}

const sorted = (value: object): object => Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
