import { alive } from '../../lib/cleanup/alive.js';
import { DETACHED, LABEL, REUSED, machine } from '../../lib/cleanup/labels.js';
import { statfs } from 'node:fs/promises';
import os from 'node:os';
import { execa } from 'execa';
import type { ContainerRuntimeClient } from 'testcontainers';
import { engineCalls } from '../../lib/docker/calls.js';
import { docker, engineSelection, fixOf, isLocalEngine, unreachableReason } from '../../lib/docker/client.js';
import { dockerEndpoints } from '../../lib/docker/endpoints.js';
import { describe, sentence } from '../../lib/errors.js';
import { DEFAULT_SUITE, baseTag } from '../../lib/images/names.js';
import { present } from '../../lib/images/present.js';
import { imageStatus } from '../../lib/images/status.js';
import { listServices, type ServiceInfo } from '../../lib/service/list.js';
import { listSnapshots } from '../../lib/snapshots/store.js';
import { megabytes } from '../commands/snapshots.js';
import { presets, presetNames, type PresetName } from '../../lib/presets/index.js';
import { probeEndpoints, type Probe } from './endpoints.js';
import { engineLines } from './engine.js';

export interface Check {
  status: 'ok' | 'warn' | 'fail';
  title: string;
  /** Indented lines under the title: details, then how to fix it. */
  details?: string[];
  hint?: string;
}

const MIN_FREE_GB = 2;
const REGISTRY_MS = 5000;

export async function runChecks(): Promise<Check[]> {
  const endpoints = dockerEndpoints();
  // A docker context's TLS settings, into the environment before the probes read it (the connect does it too).
  engineSelection();
  // doctor reports what answers now: not the 30 s a CI connect waits for an engine still starting (unless asked).
  process.env.SANDPIT_ENGINE_WAIT ??= '0';
  const [probes, client] = await Promise.all([probeEndpoints(endpoints), docker().catch((error: unknown) => error as Error)]);
  if (client instanceof Error) return [unreachable(probes, client)];
  const used = probes.find((p) => p.answers && usedBy(client, p));
  const info = client.info.containerRuntime;
  const engine = await engineLines(client, used?.source);
  const checks: Check[] = [
    {
      status: 'ok',
      title: `${engine.title}: ${info.operatingSystem}, ${info.cpus} CPUs`,
      details: [...engine.lines, ...endpointLines(probes)],
    },
    version(String(info.serverVersion)),
  ];
  checks.push(...(await Promise.all([images(client), disk(client), snapshotDisk(), leftovers()])));
  return checks;
}

function unreachable(probes: Probe[], error: Error): Check {
  const answering = probes.find((p) => p.answers);
  const wanted = process.env.DOCKER_HOST;
  const fix = fixOf(error.cause ?? error);
  const hint = fix
    ? `${sentence(fix)}.`
    : wanted && answering
      ? `DOCKER_HOST=${wanted} does not answer. If it names the engine meant (CI's docker:dind, a build box), start it or wait for it: a service container may still be booting; if not, ${answering.uri} answers: \`unset DOCKER_HOST\` to use it.`
      : wanted
        ? `DOCKER_HOST=${wanted} does not answer: start that engine, or unset DOCKER_HOST to use the default socket.`
        : 'Start Docker (Docker Desktop, `sudo systemctl start docker`, `colima start`…); on bare Debian/Ubuntu as root: `bash scripts/docker-engine.sh` from the sandpit repo. If it runs elsewhere, set DOCKER_HOST.';
  // The engine the user named is the one to talk about, and why it does not answer ("no answer" alone, when
  // testcontainers fell back to another socket, would hide a socket file that is not there).
  const chosen = engineSelection();
  const title = chosen
    ? `Docker engine at ${chosen.uri} (${chosen.source}) not reachable: ${unreachableReason(error.cause ?? error)}`
    : `Docker engine not reachable: ${describe(error.cause ?? error)}`;
  return { status: 'fail', title, details: endpointLines(probes), hint };
}

const endpointLines = (probes: Probe[]) => probes.map((p) => `${p.answers ? '✓' : '·'} ${p.uri}  ${p.source}: ${p.detail}`);

function usedBy(client: ContainerRuntimeClient, probe: Probe): boolean {
  const modem = client.container.dockerode.modem as { socketPath?: string; host?: string };
  const url = new URL(probe.uri);
  return url.protocol === 'unix:' ? modem.socketPath === url.pathname : modem.host === url.hostname;
}

function version(serverVersion: string): Check {
  const [major = 0, minor = 0] = serverVersion.split('.').map((n) => Number.parseInt(n, 10));
  return major > 20 || (major === 20 && minor >= 10)
    ? { status: 'ok', title: `engine version ${serverVersion}` }
    : { status: 'warn', title: `engine version ${serverVersion} is older than 20.10`, hint: 'sandpit is tested on 20.10 and later: upgrade Docker.' };
}

async function images(client: ContainerRuntimeClient): Promise<Check> {
  const status = await imageStatus(presetNames.map((name) => ({ name, image: presets[name].image, offline: presets[name].offline })));
  const details = status.map((s) => `${s.preset}: ${s.willUse ?? 'none here yet'}`);
  const missing = status.filter((s) => !s.willUse).map((s) => s.preset);
  if (missing.length === 0) return { status: 'ok', title: 'preset images present', details };
  // Asks the engine, not this process: it is the engine that would pull.
  const registry = await client.container.dockerode
    .getImage(presets[missing[0] as PresetName].image)
    .distribution({ abortSignal: AbortSignal.timeout(REGISTRY_MS) } as object)
    .then(() => undefined)
    .catch((error: unknown) => describe(error));
  if (registry === undefined) return { status: 'ok', title: `registry reachable: ${missing.join(', ')} will be pulled on first use`, details };
  const blocker = await offlineBlocker(missing.map((name) => presets[name as PresetName].offline.suite ?? DEFAULT_SUITE));
  return blocker
    ? {
        status: 'fail',
        title: `no image for ${missing.join(', ')}, no registry (${registry.slice(0, 80)}), and no way to build them here`,
        details,
        hint: `${blocker} Or bring the official images over: \`docker save\` on a connected machine, \`docker load\` here.`,
      }
    : {
        status: 'warn',
        title: `no registry reachable: ${missing.join(', ')} will be built from Debian packages on first use (a minute or so, once)`,
        details,
        // A remote engine builds them itself: its containers, not this machine, must reach the mirror.
        hint: isLocalEngine(client)
          ? 'Build them now instead: `sandpit images build`.'
          : "Build them now instead: `sandpit images build`; the engine builds them, so its containers must reach Debian's mirror. Or copy them from an engine that has them: `docker save <images> | docker -H <this engine> load`.",
      };
}

/** Why the offline images cannot be built here, if they cannot. */
async function offlineBlocker(suites: string[]): Promise<string | undefined> {
  if ((await Promise.all(suites.map((suite) => present(baseTag(suite))))).every(Boolean)) return undefined;
  const found = await execa('debootstrap', ['--version'], { reject: false });
  if (found.code === 'ENOENT') return 'The offline build needs debootstrap: `apt-get install debootstrap`.';
  if (process.getuid?.() !== 0) return 'The offline build needs root once: `sudo sandpit images build`.';
  return undefined;
}

async function disk(client: ContainerRuntimeClient): Promise<Check> {
  const dockerRoot = ((await client.container.dockerode.info()) as { DockerRootDir?: string }).DockerRootDir;
  // The engine's own disk is only measurable when it runs on this machine.
  const local = isLocalEngine(client);
  const where = dockerRoot && local ? dockerRoot : os.tmpdir();
  // On a remote engine this is this machine's disk (the seeds' temporary copies), not the engine's: said so.
  const whose = local ? '' : " (this machine's; the remote engine's own disk is not measured)";
  try {
    const s = await statfs(where);
    const freeGb = (s.bavail * s.bsize) / 2 ** 30;
    return freeGb >= MIN_FREE_GB
      ? { status: 'ok', title: `${freeGb.toFixed(1)} GB free at ${where}${whose}` }
      : { status: 'warn', title: `only ${freeGb.toFixed(1)} GB free at ${where}`, hint: 'The images need about 1.5 GB: free some space (`docker image prune`).' };
  } catch {
    return { status: 'ok', title: `free disk at ${where}: not measurable from here` };
  }
}

async function snapshotDisk(): Promise<Check> {
  const snapshots = await listSnapshots();
  const bytes = snapshots.reduce((sum, s) => sum + s.size, 0);
  const title = `${snapshots.length} snapshot${snapshots.length === 1 ? '' : 's'} of initialised data: ${megabytes(bytes)}`;
  return snapshots.length === 0
    ? { status: 'ok', title }
    : { status: 'ok', title, details: ['`sandpit images ls` lists them; `sandpit images prune` removes those unused for 30 days'] }; // not a problem: no "fix:"
}

async function leftovers(): Promise<Check> {
  const services = await listServices();
  if (services.length === 0) return { status: 'ok', title: 'no sandpit containers on the engine' };
  const pid = (owner: string) => Number(owner.split('-')[0]);
  // Detached and warm (reuse) ones belong to no process: the owner is a session (pid-…) for the rest.
  const owned = (s: ServiceInfo) => s.owner !== DETACHED && s.owner !== REUSED;
  // Only this machine's sessions are judged (labels.ts `machine`): a pid means nothing elsewhere.
  const here = new Set((await (await engineCalls()).list({ label: [LABEL.managed, `${LABEL.host}=${machine}`] })).map((c) => c.Id));
  const gone = services.filter((s) => owned(s) && here.has(s.containerId) && !alive(pid(s.owner)));
  const count = (owner: string) => services.filter((s) => s.owner === owner).length;
  const details = services.map((s) => `${s.name} (${s.preset}, ${owned(s) ? `pid ${pid(s.owner)}` : s.owner === REUSED ? 'warm' : 'detached'}, ${s.state})`);
  const title =
    `${services.length} sandpit container${services.length > 1 ? 's' : ''}: ${count(DETACHED)} detached, ` +
    `${count(REUSED) > 0 ? `${count(REUSED)} warm for the next run, ` : ''}${gone.length} left by processes that are gone`;
  return gone.length > 0
    ? { status: 'warn', title, details, hint: '`sandpit prune` removes those left behind; `sandpit down --all` the detached and warm ones.' }
    : { status: 'ok', title, details };
}
