import { SandpitError } from '../errors.js';
import { quote } from '../presets/quote.js';
import { projectAsFlag } from '../cleanup/project.js';
import { serviceName } from '../options/name.js';
import type { PresetName, StartOptions } from '../types.js';

/** Two detached services of one name would share SANDPIT_<NAME>_* and `sandpit exec <name>`. */
/** `config`: the config file that named the service (a config's names are changed there, not with --name). */
export const nameInUse = (name: string, cause?: unknown, where = '', config?: string): SandpitError =>
  new SandpitError(
    'NAME_IN_USE',
    `"${name}" already runs detached${where}. Remove it with \`sandpit down ${name}${process.env.SANDPIT_PROJECT ? ` --project ${quote(projectAsFlag(process.env.SANDPIT_PROJECT))}` : ''}\`, or start this one ${config ? `under another --project (or another name in ${config})` : 'under another --name (one service at a time) or --project'}.`,
    { service: name, stage: 'create', cause },
  );

/** A service by name, or by its container id or a prefix of it (at least 4 hex digits), as `docker` takes. */
export const matches = (wanted: string, service: { name: string; containerId: string }): boolean => service.name === wanted || matchesId(wanted, service);

/** By its container id or a prefix of it only: what names no other project's service by chance. */
export const matchesId = (wanted: string, service: { containerId: string }): boolean => /^[0-9a-f]{4,64}$/.test(wanted) && service.containerId.startsWith(wanted);

/** Names are how services are found again (`sandpit exec db`, SANDPIT_DB_URL): they must differ. */
export function assertDistinctNames(list: readonly (PresetName | StartOptions)[]): void {
  const names = list.map(serviceName);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) {
    // --name takes one service at a time on the command line: two of a kind need a config, or two runs.
    throw new SandpitError(
      'INVALID_OPTION',
      `Two services are named "${duplicate}". Give each a distinct name: the name option in code, a key each in sandpit.config, or on the command line one \`sandpit up ${duplicate} --name …\` per service.`,
    );
  }
}
