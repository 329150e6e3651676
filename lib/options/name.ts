import type { PresetName, StartOptions } from '../types.js';

/**
 * The name a start gives a service: its own, else its preset's ('custom' for an image alone). It is how
 * the service is found again (`sandpit exec db`, SANDPIT_DB_URL, reuse's releases), so every part that
 * names one asks here.
 */
export const serviceName = (o: PresetName | StartOptions): string =>
  typeof o === 'string' ? o : (o.name ?? ('preset' in o && o.preset !== undefined ? o.preset : 'custom'));
