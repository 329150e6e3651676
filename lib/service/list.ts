import type { ContainerInfo } from 'dockerode';
import { existsSync } from 'node:fs';
import { internalEndpoint, networkAddress, type Endpoint } from './internal.js';
import { engineCalls } from '../docker/calls.js';
import { SandpitError } from '../errors.js';
import { DETACHED, LABEL, REUSED, machine } from '../cleanup/labels.js';
import { runsInThisFolder } from '../cleanup/alive.js';
import { currentProject, inProject, projectShown, warmProject } from '../cleanup/project.js';
import { isPresetName, presetByName, type PresetName } from '../presets/index.js';
import { hostOf, type EngineReach } from './host.js';
import { matches, matchesId } from './names.js';
import { StartedService, type ServiceFields } from './handle.js';

export interface ServiceInfo extends ServiceFields {
  /** 'detached', or the id of the session (process) that owns it. */
  owner: string;
  createdAt: Date;
  state: string;
  /** Warm reuse: the configuration its takers must have (absent on others). */
  reuseKey?: string;
  /** Warm reuse: the token of the lock a run holds while it uses it (lib/cleanup/reused.ts). */
  reuseClaim?: string;
  /**
   * Detached: the project it runs for (lib/cleanup/project.ts; absent on older ones). Warm reuse: the folder of
   * the config file its test run started it from, as a project (warmProject; absent from `sandpit up`'s).
   */
  project?: string;
  /** Detached: the key of the options `up -d` was given (absent on older ones), to tell the same `up -d` run again. */
  givenKey?: string;
  /** Detached: the session of the `up -d` that started it (`<pid>-<hex>`). */
  starter?: string;
  /** A running process's own service (not detached, not warm) started on this machine: that process's pid. */
  ownerPid?: number;
}

/**
 * Every sandpit service on this engine, newest first, with the url rebuilt from its labels. Through
 * the start path's calls: on a remembered local engine, `sandpit up --detach`, `ls` and `down` then
 * list without loading testcontainers' runtime (~120 ms of import here).
 */
export async function listServices(): Promise<ServiceInfo[]> {
  const engine = await engineCalls();
  const found = await engine.list({ label: [LABEL.managed] });
  return found.sort((a, b) => b.Created - a.Created).map((c) => describeContainer(c, engine.reach));
}

/** `reach`: how the engine that listed `c` is reached (see hostOf). */
export function describeContainer(c: ContainerInfo, reach: EngineReach): ServiceInfo {
  const labels = c.Labels;
  const presetName = labels[LABEL.preset] ?? 'custom';
  const preset = isPresetName(presetName) ? presetByName(presetName) : undefined;
  const options = parse(labels[LABEL.options]);
  const mainPort = preset?.containerPort;
  const published = c.Ports.find((p) => p.PrivatePort === mainPort && p.PublicPort) ?? c.Ports.find((p) => p.PublicPort);
  const port = published?.PublicPort ?? 0;
  const host = hostOf(reach, published?.IP || '127.0.0.1');
  const project = labels[LABEL.project] || warmProject(labels[LABEL.reuseProject], labels[LABEL.host]);
  return {
    name: labels[LABEL.name] ?? c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12),
    preset: preset ? (presetName as PresetName) : 'custom',
    containerId: c.Id,
    host,
    port,
    ports: Object.fromEntries(c.Ports.filter((p) => p.PublicPort).map((p) => [p.PrivatePort, p.PublicPort])),
    // A stopped container publishes no port: no url to give for a service reached on one (it read redis://127.0.0.1:0).
    url: !port && (!preset || preset.containerPort !== undefined) ? '' : preset ? preset.url({ host, port }, options) : `tcp://${host}:${port}`,
    clientCommand: preset?.client?.({ host, port }, options) ?? '',
    ...internalOf(c, preset, options),
    owner: labels[LABEL.reuse] !== undefined ? REUSED : (labels[LABEL.session] ?? DETACHED),
    createdAt: new Date(c.Created * 1000),
    state: c.State,
    extras: preset?.extras?.(options) ?? {},
    ...(labels[LABEL.reuse] === undefined ? {} : { reuseKey: labels[LABEL.reuse], reuseClaim: labels[LABEL.claim] ?? c.Id }),
    ...(project ? { project } : {}),
    ...(labels[LABEL.given] ? { givenKey: labels[LABEL.given] } : {}),
    ...(labels[LABEL.starter] ? { starter: labels[LABEL.starter] } : {}),
    ...(labels[LABEL.host] === machine && Number(labels[LABEL.pid]) > 0 ? { ownerPid: Number(labels[LABEL.pid]) } : {}),
  };
}

/** Where other containers reach it (lib/service/internal.ts): a preset's service, on the network that gave it an address. */
function internalOf(c: ContainerInfo, preset: ReturnType<typeof presetByName> | undefined, options: object): { internal?: Endpoint } {
  const address = networkAddress(c.NetworkSettings?.Networks);
  if (!address || preset?.containerPort === undefined) return {};
  return { internal: internalEndpoint(preset, { host: address, port: preset.containerPort }, options) };
}

const parse = (json: string | undefined): object => {
  try {
    return json ? (JSON.parse(json) as object) : {};
  } catch {
    return {};
  }
};

/**
 * A handle on a running service by name or container id (prefix), for `sandpit exec/logs` and
 * Jest workers. `session` narrows it to one owner, so parallel Jest runs never reach each other's
 * containers. Without one, a name means this project's service: a detached or warm one of it, or one a
 * process running in this folder owns (a foreground `up`, a test run). Another project's is reached by its
 * id or its project (--project) only: a CI job's `exec cache -- redis-cli flushall` emptied another job's
 * cache, its own having none, without a word.
 */
export async function attach(name: string, { session }: { session?: string } = {}): Promise<StartedService> {
  const all = await listServices();
  const matching = all.filter((s) => matches(name, s) && (session === undefined || s.owner === session));
  const here = (s: ServiceInfo) => (s.owner === DETACHED || s.owner === REUSED ? inProject(s.project) : s.ownerPid !== undefined && runsInThisFolder(s.ownerPid));
  const byId = matching.filter((s) => matchesId(name, s));
  const found = session !== undefined ? matching : byId.length > 0 ? byId : await inUseFirst(matching.filter(here));
  const match = found[0];
  if (found.length > 1 && session === undefined) {
    throw new SandpitError(
      'INVALID_OPTION',
      `"${name}" matches ${found.length} services (${found.map((s) => `${s.name} ${shortId(s.containerId)}`).join(', ')}). Give the id of the one you mean (see \`sandpit ls\`).`,
    );
  }
  if (!match && matching.length > 0) {
    const whose = (s: ServiceInfo) => (s.project ? `for ${projectShown(s.project)}` : `of a process in another folder${s.ownerPid ? ` (pid ${s.ownerPid})` : ''}`);
    throw new SandpitError(
      'NOT_FOUND',
      `No service named "${name}" in this project (${projectShown(currentProject())}); ${matching.length === 1 ? 'one runs' : 'some run'} elsewhere: ${matching.map((s) => `${shortId(s.containerId)} ${whose(s)}`).join(', ')}. Give its id (\`sandpit exec ${shortId(matching[0]!.containerId)} …\`) or its project (--project), or run sandpit in its folder.`,
    );
  }
  if (!match) {
    const names = [...new Set(all.filter((s) => session === undefined || s.owner === session).map((s) => s.name))];
    throw new SandpitError(
      'NOT_FOUND',
      `No sandpit service named "${name}" is running.${names.length ? ` Running: ${names.join(', ')}.` : ''} Start it with \`sandpit up\`, or see \`sandpit ls\`.`,
    );
  }
  return new StartedService(match);
}

/**
 * Several of this project's services of one name: the ones in use (a foreground `up` holding its warm db, a
 * detached one, a running test's) before warm copies a finished run left idle for the next. `sandpit exec db`
 * beside a test run with warm reuse said "matches 2 services" where only one was the developer's.
 */
async function inUseFirst(found: ServiceInfo[]): Promise<ServiceInfo[]> {
  if (found.length < 2 || !found.some((s) => s.owner === REUSED)) return found;
  const { held, markFile, resetterAlive } = await import('../cleanup/reused.js'); // proper-lockfile: only when it must decide
  // Held by its resetter or refresher (a run's hand-back at work, for a second or two) is idle too: no one's in use.
  const handedBack = (s: ServiceInfo) => resetterAlive(s.containerId) || existsSync(markFile(s.containerId, 'refreshing'));
  const busy = await Promise.all(found.map(async (s) => s.owner !== REUSED || (!handedBack(s) && (await held(s.reuseClaim ?? s.containerId)))));
  const inUse = found.filter((_, i) => busy[i]);
  return inUse.length > 0 ? inUse : found;
}

/** The 12 hex digits `docker ps` shows. */
export const shortId = (id: string): string => id.slice(0, 12);
