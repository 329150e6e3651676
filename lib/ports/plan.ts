import getPort, { clearLockedPorts } from 'get-port';
import { SandpitError } from '../errors.js';

export type PortOption = number | 'standard' | undefined;

export interface PortPlan {
  /** '' lets Docker pick a free port at bind time: no race between parallel test processes. */
  hostPort: string;
  notice?: string;
}

/** Turns the `port` option into the host port to ask Docker for. */
export async function planPort(
  service: string,
  option: PortOption,
  {
    bindAddress,
    standardPort,
    local = true,
    holder = async () => undefined,
  }: {
    bindAddress: string;
    standardPort: number | undefined;
    local?: boolean;
    /** Who holds a busy port, in words, when the caller can tell (a sandpit service): put in the error. */
    holder?: (port: number) => Promise<string | undefined>;
  },
): Promise<PortPlan> {
  if (option === undefined) return { hostPort: '' };
  // A remote engine's ports are not this machine's: only the engine can tell, when it binds (PORT_IN_USE then).
  if (!local) return { hostPort: String(option === 'standard' ? (standardPort ?? '') : option) };
  // get-port holds every port it returns for 15-30 s against its own later calls; here it only answers
  // "is this port free now?", and a service stopped and started again on its port must get it.
  clearLockedPorts();
  if (option === 'standard') {
    if (standardPort === undefined) return { hostPort: '' };
    const free = (await getPort({ port: standardPort, host: bindAddress })) === standardPort;
    return free
      ? { hostPort: String(standardPort) }
      : { hostPort: '', notice: `port ${standardPort} is busy; using a free port instead` };
  }
  if ((await getPort({ port: option, host: bindAddress })) !== option) {
    const held = await holder(option);
    throw new SandpitError(
      'PORT_IN_USE',
      `${service}: port ${option} on ${bindAddress} is already in use${held ? `: ${held}` : ''}. Free it, pick another (port: N; on the command line --port N), or leave port unset for a free one.`,
      { service, stage: 'create' },
    );
  }
  return { hostPort: String(option) };
}
