import type { ImageInspectInfo } from 'dockerode';
import { engineCalls, type EngineCalls } from '../docker/calls.js';
import { parallelRequests } from '../engine/address.js';
import { publishing } from '../engine/bind.js';
import { placeFiles, type PlacedFiles } from '../files/copy.js';
import type { Stage } from '../errors.js';
import { resolveImage } from '../images/resolve.js';
import { sweepOnce } from '../cleanup/sweep.js';
import { normalise, type Normalised } from '../options/normalise.js';
import { planPort } from '../ports/plan.js';
import { portHolder } from './port-holder.js';
import type { Launch } from '../snapshots/launch.js';
import { snapshotFor } from '../snapshots/use.js';
import type { ContainerSpec } from '../preset.js';
import type { PresetName, ProgressEvent, StartOptions } from '../types.js';
import { resolveOptions } from './check.js';
import { failure } from './failure.js';
import type { StartedService } from './handle.js';
import { hostOf } from './host.js';
import { quietProgress } from './progress.js';

export type Say = (stage: Stage, message: string, notice?: boolean) => void;

/** Everything a start decides before any container exists: what to run, where, with which files. */
export interface LaunchPlan {
  n: Normalised;
  say: Say;
  /** Create, start, inspect… on the engine; the full client is loaded only for what they do not cover. */
  engine: EngineCalls;
  image: string;
  /** The preset's resolved options (a snapshot's, when starting from one). */
  options: object;
  snapshot: Launch | undefined;
  spec: ContainerSpec;
  bindAddress: string;
  host: string;
  /** '' for any free port. */
  hostPort: string;
  /** The container ports to publish; the first is the service's. */
  ports: number[];
  placed: PlacedFiles;
}

/** How lib/snapshots starts the container it takes a snapshot from (start() itself, with `via`). */
export type LaunchVia = (input: StartOptions, via: Launch) => Promise<StartedService>;

/** `via`: lib/snapshots' container to take a snapshot from, with the image and options it chose. */
export async function planLaunch(input: PresetName | StartOptions, via: Launch | undefined, launch: LaunchVia): Promise<LaunchPlan> {
  const n = normalise(input);
  // Client libraries load while Docker creates the container, not on the first probe.
  void n.preset.warmup?.().catch(() => {});
  const say: Say = (stage, message, notice = false) => (n.onProgress ?? quietProgress)({ service: n.name, stage, message, notice });

  const resolved = via?.options ?? (await resolveOptions(n));
  const engine = await engineCalls();
  const sweeping = sweepOnce();
  // Over ssh:// a request sent beside the start's own opens a connection of its own, a login (~0.5 s,
  // traced: the sweep's list beside the image lookup): there its one list goes first.
  if (!parallelRequests(engine.address)) await sweeping;

  say('pull', 'finding image');
  const found = via ? undefined : await resolveImage(
    { name: n.presetName, image: n.preset.image, offline: n.preset.offline },
    n.presetName === 'custom' ? n.preset.image : n.image,
    (event) => say(event.stage, event.message, event.notice),
  ).catch((error: unknown) => {
    throw failure(n, 'pull', error, ''); // no container yet; the error still names its service
  });
  const base = via?.image ?? found!.image;
  const snapshot = via ?? (await fromSnapshot(n, input, resolved, { image: base, info: found?.info }, say, launch));
  const image = snapshot?.image ?? base;
  const options = snapshot?.options ?? resolved;

  const publish = await publishing(engine);
  const bindAddress = n.bindAddress ?? publish.bindAddress;
  const port = await planPort(n.name, n.port, { bindAddress, standardPort: n.preset.standardPort, local: publish.ours, holder: portHolder });
  if (port.notice) say('create', port.notice, true);
  const notice = n.preset.notice?.(options);
  if (notice) say('create', notice, true);

  say('create', `creating container from ${image}`);
  const own = n.preset.container(options);
  const spec: ContainerSpec = {
    ...own,
    ...(snapshot && { command: snapshot.command, workingDir: snapshot.workingDir, env: { ...own.env, ...snapshot.env }, entrypoint: snapshot.entrypoint }),
  };
  // Local folders reach a remote engine as copies (lib/files/copy.ts).
  const placed = await placeFiles(engine, image, n.name, spec.mounts ?? []).catch((error: unknown) => {
    throw failure(n, 'create', error, ''); // asking the engine what it sees can fail too; no container yet
  });
  // A copy is taken now: someone editing the folder would otherwise wonder why the service never shows it.
  for (const copy of placed.copies) say('create', `${copy.source} is copied in (the engine at ${engine.address.uri} cannot see this machine's files): later edits do not show`, true);
  const ports = [n.preset.containerPort, ...(n.preset.extraPorts ?? [])].filter((p): p is number => p !== undefined);
  return { n, say, engine, image, options, snapshot, spec, bindAddress, host: hostOf(engine.reach, bindAddress), hostPort: port.hostPort, ports, placed };
}

/** The snapshot to start from (taken now by a container of `base` if there is none), or undefined. */
function fromSnapshot(n: Normalised, input: PresetName | StartOptions, options: object, base: { image: string; info: ImageInspectInfo | undefined }, say: Say, launch: LaunchVia) {
  // Taken on any free port, owned by this process (reaped if it dies), never itself from a snapshot.
  // Never with the caller's labels: a warm-reuse claim or a `detached` owner on the builder would be
  // committed into the image (blanked, yet present) and passed to every service started from it.
  // Its "ready" is not this service's: a live line would say "ready in …" before the snapshot was even
  // saved. Its other steps keep their stage: the first 'ready' one (its container runs) lets the rest of
  // a group start (group.ts), as the service's own would. The image was found already.
  const onProgress = ({ stage, message, notice }: ProgressEvent) => {
    if (message === 'finding image') return;
    if (stage === 'ready' && message === 'ready') say('build', 'initialised', notice);
    else say(stage, message, notice);
  };
  const own = { ...(typeof input === 'string' ? { preset: input } : input), port: undefined, detached: false, snapshot: false, labels: undefined, onProgress } as StartOptions;
  return snapshotFor({
    preset: n.preset,
    options,
    image: base.image,
    ...(base.info ? { imageInfo: base.info } : {}),
    enabled: n.snapshot,
    service: n.name,
    say: (message, notice) => say('build', message, notice),
    launch: (via) => launch(own, via),
  }).catch((error: unknown) => {
    throw failure(n, 'build', error, '');
  });
}
