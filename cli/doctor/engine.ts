import type { ContainerRuntimeClient } from 'testcontainers';
import { callsThrough } from '../../lib/docker/calls.js';
import { engineSelection } from '../../lib/docker/client.js';
import { isPodman } from '../../lib/docker/socket-reads.js';
import { publishing } from '../../lib/engine/bind.js';
import { engineAddress } from '../../lib/engine/address.js';
import { engineSeesLocalFiles } from '../../lib/files/visibility.js';
import { imageStatus } from '../../lib/images/status.js';
import { presets, presetNames } from '../../lib/presets/index.js';
import { hostOf } from '../../lib/service/host.js';

/** Which engine sandpit talks to, why that one, and what follows for ports and local files. */
export async function engineLines(client: ContainerRuntimeClient, fallbackSource: string | undefined) {
  const address = engineAddress(client);
  const why = engineSelection()?.source ?? fallbackSource ?? 'first local socket that answered';
  const product = await engineProduct(client);
  const { bindAddress: bind, ours } = await publishing(callsThrough(client));
  const lines = [
    `${address.local ? 'local' : 'remote'} ${product} at ${address.uri}, chosen by ${why}`,
    !address.local
      ? `ports are published on ${bind} of the engine's machine (anyone who reaches it reaches them) and reached at ${hostOf(client, bind)}${process.env.SANDPIT_HOST ? ' (SANDPIT_HOST)' : ''}`
      : ours
        ? `ports are published on ${bind} (this machine only) and reached at ${hostOf(client, bind)}`
        : `this process runs in a container of that engine: ports are published on ${bind}, its network's gateway (the engine's machine and its containers reach them), and reached at ${hostOf(client, bind)}`,
  ];
  const files = await localFiles(client);
  if (files) lines.push(files);
  return { title: `${product} engine reachable at ${address.uri} (${address.local ? 'local' : 'remote'}, ${why})`, lines };
}

/** Docker and Podman answer the same API; Podman says so in its version components. */
async function engineProduct(client: ContainerRuntimeClient): Promise<string> {
  return isPodman(await client.container.dockerode.version().catch(() => undefined)) ? 'Podman' : 'Docker';
}

/** Measured with an image already on the engine (the probe never starts a container). */
async function localFiles(client: ContainerRuntimeClient): Promise<string | undefined> {
  const status = await imageStatus(presetNames.map((name) => ({ name, image: presets[name].image, offline: presets[name].offline })));
  const image = status.find((s) => s.willUse)?.willUse;
  if (!image) return undefined;
  const sees = await engineSeesLocalFiles(callsThrough(client), image).catch(() => undefined);
  if (sees === undefined) return undefined;
  return sees
    ? 'the engine sees this machine\'s files: httpd root, ubuntu mount are bind-mounted'
    : 'the engine cannot see this machine\'s files: httpd root is copied in; ubuntu mount (writable) is refused (in a container of the engine: unless under its bind mounts)';
}
