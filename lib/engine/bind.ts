import net from 'node:net';
import { SandpitError } from '../errors.js';
import { isLoopbackHost, type EngineAddress } from './address.js';
import { ownGateway, type Inspects } from './own-container.js';

/**
 * Where published ports listen when the caller did not say, and whether they are this machine's
 * ports (so that a port can be checked free here). A local engine keeps them on loopback: nothing
 * else on the network reaches the service. A remote engine's loopback is out of our reach, so its
 * ports listen on all of the engine's addresses: anyone who can reach that machine can reach the
 * service (README: "Remote engines"). From a container of the local engine, they listen on its
 * network's gateway (own-container.ts).
 */
export async function publishing(engine: Inspects & { address: EngineAddress }): Promise<{ bindAddress: string; ours: boolean }> {
  if (!engine.address.local) return { bindAddress: '0.0.0.0', ours: false };
  const gateway = await ownGateway(engine);
  return gateway ? { bindAddress: gateway, ours: false } : { bindAddress: '127.0.0.1', ours: true };
}

/**
 * SANDPIT_HOST: the address services are reached at, when the engine's own name is wrong from here
 * (NAT, a jump host, an engine known by another name inside the CI network). Checked once per use.
 */
export function hostOverride(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env.SANDPIT_HOST?.trim();
  if (!value) return undefined;
  if (!/^[a-z0-9.-]+$/i.test(value) && net.isIP(value) === 0) {
    throw new SandpitError('INVALID_OPTION', `SANDPIT_HOST="${value}" is not a host name or IP address. Set it to the address the engine's published ports are reached at.`, {
      option: 'SANDPIT_HOST',
    });
  }
  return isLoopbackHost(value) && value === 'localhost' ? '127.0.0.1' : value;
}
