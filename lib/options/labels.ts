import { SandpitError } from '../errors.js';
import type { PresetName, StartOptions } from '../types.js';

/**
 * A caller's labels stay out of sandpit's own namespace: those say who removes a container and when
 * (`sandpit.session: 'my-session'` made a container no watchdog or sweep would take, left running for
 * good). sandpit's own callers (warm reuse) set them through lib/service/start.ts startOwn.
 */
export function refuseOwnLabels(input: PresetName | StartOptions): void {
  const labels = typeof input === 'object' && typeof input.labels === 'object' && input.labels !== null ? Object.keys(input.labels) : [];
  const own = labels.filter((key) => key === 'sandpit' || key.startsWith('sandpit.'));
  if (own.length === 0) return;
  throw new SandpitError(
    'INVALID_OPTION',
    `Label ${own.join(', ')} is sandpit's own (it decides who removes the container, and when): give your labels another prefix, such as myapp.${own[0]!.replace(/^sandpit\.?/, '') || 'role'}.`,
    { option: 'labels' },
  );
}
