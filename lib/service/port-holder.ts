import { DETACHED, REUSED, sessionId } from '../cleanup/labels.js';
import { listServices } from './list.js';
import { inProject, projectShown } from '../cleanup/project.js';

/**
 * Words for PORT_IN_USE when a running sandpit service on this engine publishes `port`: the usual
 * holder of a port someone names is their own earlier `sandpit up`, and "already in use" alone sent
 * them to lsof. `except`: the container whose start just failed (Podman lists a created container's
 * ports too). Undefined when no sandpit service has it, or the engine cannot be asked.
 */
export async function portHolder(port: number, except?: string): Promise<string | undefined> {
  const services = await listServices().catch(() => []);
  const holder = services.find((s) => s.state === 'running' && s.containerId !== except && Object.values(s.ports).includes(port));
  if (!holder) return undefined;
  const how =
    holder.owner === DETACHED
      ? `left running by \`sandpit up --detach\`${inProject(holder.project) ? '' : ` for ${projectShown(holder.project!)}`}; \`sandpit down ${inProject(holder.project) ? holder.name : holder.containerId.slice(0, 12)}\` removes it`
      : holder.owner === REUSED
        ? `kept warm for reuse; \`sandpit down ${holder.name}\` removes it`
        : holder.owner === sessionId
          ? 'started earlier by this same process'
          : `owned by session ${holder.owner}, removed when that process ends`;
  return `the sandpit service "${holder.name}" holds it (${how})`;
}
