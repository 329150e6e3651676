import { SandpitError } from '../errors.js';

/** Two detached services of one name would share SANDPIT_<NAME>_* and `sandpit exec <name>`. */
export const nameInUse = (name: string, cause?: unknown, where = ''): SandpitError =>
  new SandpitError(
    'NAME_IN_USE',
    `"${name}" already runs detached${where}. Remove it with \`sandpit down ${name}\`, or pick another --name.`,
    { service: name, stage: 'create', cause },
  );

/** A service by name, or by its container id or a prefix of it (at least 4 hex digits), as `docker` takes. */
export const matches = (wanted: string, service: { name: string; containerId: string }): boolean =>
  service.name === wanted || (/^[0-9a-f]{4,64}$/.test(wanted) && service.containerId.startsWith(wanted));
