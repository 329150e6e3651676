import { LABEL, machine } from '../cleanup/labels.js';
import { removeContainer } from '../cleanup/remove.js';
import { presetByName } from '../presets/index.js';
import { serviceName } from '../options/name.js';
import { assertDistinctNames } from '../service/names.js';
import { StartedService } from '../service/handle.js';
import { describeContainer } from '../service/list.js';
import type { Service, StartOptions } from '../types.js';
import { reuseKey } from './key.js';
import { warmReads } from './reads.js';
import { ensureReaper } from './reaper.js';
import { startFresh } from './fresh.js';
import { resetLater } from './reset-later.js';
import { claimAfterReset } from './clean-mark.js';
import { preloadClaims, removeIdleReused, removeReused, resetterAlive } from '../cleanup/reused.js';
import type { ContainerInfo } from 'dockerode';
import { untouched, type Seen } from './untouched.js';
import type { ReuseSettings } from './settings.js';

export interface Warm {
  services: Service[];
  /** Names of the services taken over from an earlier run (the rest were started now). */
  reused: Set<string>;
  /** By name: lets other runs take it (and the reaper count its idle time); leaves it running. */
  releases: Map<string, () => Promise<void>>;
  /** By name: removes it, then lets its lock go (a config no longer has it as it is). */
  discards: Map<string, () => Promise<void>>;
  /** Names of services started anew because an earlier run exec'd or copied into the warm one (untouched.ts). */
  replaced: Set<string>;
  /** By name: the token of the machine-wide lock this run holds on it (a resetter takes it next). */
  tokens: Map<string, string>;
  /** By name, the taken-over ones: when the container last started (a restart numbers connections anew). */
  startedAt: Map<string, string>;
}

/**
 * Starts services that outlive this run, or takes over running ones an earlier run left with the same
 * configuration. Each is held under a machine-wide lock while this run uses it: a second run at the
 * same time never shares one; it starts its own instead of waiting (a test run should not queue
 * behind another). Taken over as they are: resetting the ones for which `resetByCaller` holds is
 * the caller's. Presets that keep no data (httpd, ubuntu) are taken over only while untouched since
 * they started, else replaced by a new one; a run that changed one hands it to a refresher, which
 * replaces it in the background. Anything else (custom images) starts anew every run.
 */
export async function startOrReuse(given: StartOptions[], settings: ReuseSettings, resetByCaller: (options: StartOptions) => boolean): Promise<Warm> {
  assertDistinctNames(given);
  // Named as their services are: releases, tokens and the refresher's note are kept by name.
  const list = given.map((o) => ({ ...o, name: serviceName(o) }));
  ensureReaper(); // first: a run killed while starting leaves containers the reaper must find
  preloadClaims(); // loads while the engine answers the list below
  const [keys, engine] = await Promise.all([
    Promise.all(list.map(reuseKey)),
    // Events are read (untouched.ts) for the ones that keep no data.
    warmReads({ label: [LABEL.managed, LABEL.reuse, `${LABEL.host}=${machine}`], status: ['running'] }, { events: list.some((o) => !resetByCaller(o) && keepsNoData(o)) }),
  ]);
  const running = engine.found;
  const releases = new Map<string, () => Promise<void>>();
  const discards = new Map<string, () => Promise<void>>();
  const discard = (id: string, free: () => Promise<void>) => async () => {
    try {
      await removeReused(id);
    } finally {
      await free();
    }
  };
  const reused = new Set<string>();
  const replaced = new Set<string>();
  const tokens = new Map<string, string>();
  const startedAt = new Map<string, string>();

  /**
   * Hands a service back; one that keeps no data is looked at by the resetter process once it is let
   * go, and replaced in the background if this run changed it (reset-later.ts: CheckJob). Not one that
   * is gone (a failed start removes what it made: nothing new may follow): the look finds it gone.
   */
  const handBack = (options: StartOptions, key: string, seen: Seen, token: string, free: () => Promise<void>) => async () => {
    resetLater({ id: seen.id, token, seen, refresh: { options, key, settings, dirty: seen.id, token } });
    await free();
  };

  const one = async (options: StartOptions, key: string): Promise<Service> => {
    const name = options.name ?? '';
    const reset = resetByCaller(options);
    if (!reset && !keepsNoData(options)) {
      // Its server may hold data no reset can remove: a run of its own, removed at the end like any other.
      const { start } = await import('../service/start.js');
      return start({ ...options, detached: false });
    }
    let replacing = false; // a changed one of this configuration was found and removed
    for (const c of running.filter((r) => r.Labels[LABEL.reuse] === key)) {
      const token = c.Labels[LABEL.claim] ?? c.Id;
      const free = await claimAfterReset(token, c.Id);
      if (!free) continue; // another run has it now
      // The reaper may have claimed, removed and released it since the list above: take only what still runs.
      const seen = { id: c.Id, since: c.Created - 1 };
      // Both reads at once: one engine round trip less before the run can begin.
      const [started, clean] = await Promise.all([engine.started(c.Id), reset ? true : untouched(engine, seen)]);
      if (started === undefined) {
        await free().catch(() => {});
        continue;
      }
      if (!clean) {
        // An earlier run exec'd or copied into it, and no refresher has replaced it (yet): only a new
        // container is as one starts.
        await removeContainer(c.Id).catch(() => {});
        await free().catch(() => {});
        replacing = true;
        continue;
      }
      releases.set(name, reset ? free : handBack(options, key, seen, token, free));
      discards.set(name, discard(c.Id, free));
      tokens.set(name, token);
      startedAt.set(name, started);
      reused.add(name);
      return new StartedService(describeContainer(c, engine.reach));
    }
    // Its history starts before its creation: a minute of slack for an engine whose clock is behind.
    const since = Math.floor(Date.now() / 1000) - 60;
    if (replacing) replaced.add(name);
    const [{ service, release, token }] = await Promise.all([startFresh(options, key, settings), removeSuperseded(running, name, key, settings.project)]);
    if (release) releases.set(name, reset ? release : handBack(options, key, { id: service.containerId, since }, token, release));
    if (release) discards.set(name, discard(service.containerId, release));
    tokens.set(name, token);
    return service;
  };

  const results = await Promise.allSettled(list.map((options, i) => one(options, keys[i]!)));
  const services = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // Like startAll: a half-started group leaves nothing new behind; taken-over ones stay warm.
    await Promise.allSettled(services.filter((s) => !reused.has(s.name)).map((s) => removeContainer(s.containerId)));
    await Promise.allSettled([...releases.values()].map((r) => r()));
    throw failed.reason;
  }
  return { services, reused, releases, discards, replaced, tokens, startedAt };
}

/**
 * Warm containers of this service from the same config file, started with options it no longer has (a
 * seed edited, an option changed): no run of that file takes them over again, yet each stayed for its idle
 * time (a mysql ~190 MB; an afternoon of seed edits piled them up). Removed beside the new start, unless a
 * run holds one now (a run from before the edit, still going). Switching back to the old options (a branch)
 * then starts anew instead of taking it over.
 */
async function removeSuperseded(running: ContainerInfo[], name: string, key: string, project: string | undefined): Promise<void> {
  if (project === undefined) return;
  // Not one whose resetter is still at work: it waits for its run's process to end first, and in watch mode
  // that is this process (a reload hands the old one back, then starts the new one): a wait of a minute.
  const superseded = running.filter(
    (c) => c.Labels[LABEL.reuseProject] === project && c.Labels[LABEL.name] === name && c.Labels[LABEL.reuse] !== key && !resetterAlive(c.Id),
  );
  if (superseded.length > 0) await removeIdleReused(superseded).catch(() => {});
}

const keepsNoData = (options: StartOptions): boolean => 'preset' in options && presetByName(options.preset).keepsNoData === true;
