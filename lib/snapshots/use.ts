import type { ImageInspectInfo } from 'dockerode';
import path from 'node:path';
import { engineCalls } from '../docker/calls.js';
import { writtenAtStart } from '../files/at-start.js';
import { buildOnce } from '../images/once.js';
import { inspectImage } from '../images/present.js';
import type { Preset } from '../preset.js';
import type { Launch, Launched } from './launch.js';
import { snapshotKey } from './key.js';
import { SNAPSHOT_LABEL, snapshotTag, snapshotsEnabled } from './names.js';
import { takeSnapshot } from './take.js';
import { markUsed } from './used.js';
import { KEPT_PER_ORIGIN, removeSuperseded } from './superseded.js';
import { shortFolder } from '../cleanup/project.js';
import { originFolder } from './origin.js';

export interface SnapshotRequest {
  preset: Preset<object, object>;
  /** The user's resolved options. */
  options: object;
  /** The base image a start would use. */
  image: string;
  /** Its inspect, when the caller has just read it (images/resolve.ts): not asked of the engine again. */
  imageInfo?: ImageInspectInfo;
  /** false: `snapshot: false` on this service. */
  enabled: boolean;
  /** The service's name: recorded, with the folder, on a snapshot taken now. */
  service: string;
  say: (message: string, notice?: boolean) => void;
  /** Starts a ready container as told (lib/service owns that); used to take the snapshot. */
  launch: (launch: Launch) => Promise<Launched>;
}

/**
 * How to start this service from a snapshot of its initialised data, taking the snapshot first
 * if there is none (once across processes); undefined when the service is started as before.
 */
export async function snapshotFor(request: SnapshotRequest): Promise<Launch | undefined> {
  const { preset, options } = request;
  const recipe = preset.snapshot;
  if (!recipe || !request.enabled || !snapshotsEnabled()) return undefined;
  const scripts = recipe.scripts(options);
  if (scripts.length === 0 && !recipe.always) return undefined;

  // Found a moment ago (images/resolve.ts); only a removal in between leaves nothing here.
  const base = request.imageInfo ?? (await (await engineCalls()).image(request.image));
  if (!base) throw new Error(`image ${request.image} is no longer on the engine`);
  const baseId = base.Id;
  const shapes = recipe.shapes(options);
  const tag = snapshotTag(preset.name, await snapshotKey({ preset: preset.name, baseId, shapes, scripts }));
  // One inspect on the way of every start: the snapshot is there (and whether to use it), or it is taken.
  const snapshot = (await inspectImage(tag)) ?? (await take(request, tag, base, scripts));
  // Recorded for `images prune`; a failure to record must not fail a start.
  await markUsed(tag).catch(() => {});
  const labels = snapshot?.Config.Labels ?? {};
  for (const notice of noticesOf(labels[SNAPSHOT_LABEL.notices])) request.say(notice, true);
  const unkept = labels[SNAPSHOT_LABEL.unkept];
  if (unkept) {
    request.say(`${unkept}: they run at this start, with no snapshot`);
    return undefined;
  }

  const reused = recipe.reuse(options);
  const restore = recipe.restore?.(reused, options) ?? { files: {}, args: [] };
  // A commit keeps the base's entrypoint: the snapshot's is the same, unless the server runs without it.
  const listed = (value: string | string[] | undefined) => (typeof value === 'string' ? [value] : (value ?? []));
  const server = recipe.server?.(listed(base.Config.Cmd));
  const written = writtenAtStart(restore.files, server ?? listed(base.Config.Entrypoint));
  return {
    image: tag,
    options: reused,
    command: [...recipe.command(reused, preset.container(reused)), ...restore.args],
    ...(recipe.workingDir ? { workingDir: recipe.workingDir } : {}),
    files: written ? {} : restore.files,
    ...(written ?? (server ? { entrypoint: server } : {})),
  };
}

/** Takes the snapshot (once across processes: buildOnce), and returns its inspect. */
async function take(request: SnapshotRequest, tag: string, base: ImageInspectInfo, scripts: string[]): Promise<ImageInspectInfo | undefined> {
  const { preset, options } = request;
  const recipe = preset.snapshot!;
  const origin = `${request.service} in ${shortFolder(originFolder(scripts))}`;
  await buildOnce(tag, (line) => request.say(line), async () => {
    request.say(
      scripts.length > 0
        ? 'first start with these init scripts: running them once, kept as a snapshot that later starts begin from'
        : 'first start: initialising the server once, kept as a snapshot that later starts begin from',
      true,
    );
    return takeSnapshot({
      tag,
      preset,
      image: request.image,
      baseId: base.Id,
      basePath: imagePath(base),
      options: recipe.throwaway(options),
      scriptNames: scripts.map(scriptName),
      shapes: recipe.shapes(options),
      origin,
      say: request.say,
      launch: request.launch,
    });
  });
  // A new seed's snapshot: the ones of earlier seeds of this service go, past the last few (superseded.ts).
  const removed = await removeSuperseded(origin, tag).catch(() => []);
  if (removed.length > 0) {
    request.say(`removed ${removed.length} older snapshot${removed.length === 1 ? '' : 's'} of ${origin} (earlier seeds, unused; the ${KEPT_PER_ORIGIN} latest are kept)`);
  }
  return inspectImage(tag);
}

/** Docker's PATH for a container of an image that sets none (the engine's default, as `docker run` has it). */
const ENGINE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function imagePath(image: ImageInspectInfo): string {
  return image.Config.Env?.find((entry) => entry.startsWith('PATH='))?.slice('PATH='.length) ?? ENGINE_PATH;
}

/** A short name for labels and `images ls`: file names, or the start of inline text. */
function scriptName(entry: string): string {
  if (path.isAbsolute(entry)) return path.basename(entry);
  const line = entry.trim().split('\n')[0] ?? '';
  return `"${line.length > 30 ? `${line.slice(0, 29)}…` : line}"`;
}

/** The notices a snapshot keeps (take.ts): none when the label is absent or not what this version writes. */
function noticesOf(label: string | undefined): string[] {
  try {
    const parsed: unknown = JSON.parse(label ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((n): n is string => typeof n === 'string') : [];
  } catch {
    return [];
  }
}
