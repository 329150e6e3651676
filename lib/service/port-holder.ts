import { DETACHED, REUSED } from '../cleanup/labels.js';
import { listServices } from './list.js';

/**
 * Words for PORT_IN_USE when a sandpit service on this engine publishes `port`: the usual holder of a
 * port someone names is their own earlier `sandpit up`, and "already in use" alone sent them to lsof.
 * Undefined when no sandpit service has it, or the engine cannot be asked (the error stands without).
 */
export async function portHolder(port: number): Promise<string | undefined> {
  const services = await listServices().catch(() => []);
  const holder = services.find((s) => Object.values(s.ports).includes(port));
  if (!holder) return undefined;
  const how =
    holder.owner === DETACHED
      ? `left running by \`sandpit up --detach\`; \`sandpit down ${holder.name}\` removes it`
      : holder.owner === REUSED
        ? `kept warm for reuse; \`sandpit down ${holder.name}\` removes it`
        : `started by process session ${holder.owner}; it goes when that process ends`;
  return `the sandpit service "${holder.name}" holds it (${how})`;
}
