import type { ImageInspectInfo } from 'dockerode';
import { SandpitError } from '../errors.js';
import type { OfflineImage } from '../preset.js';
import { buildOffline, offlineTag } from './offline.js';
import { inspectImage } from './present.js';
import { engineCalls } from '../docker/calls.js';
import { parallelRequests } from '../engine/address.js';
import { pull } from './pull.js';

export interface ImageSpec {
  name: string;
  image: string;
  offline: OfflineImage;
}

/** `notice` marks the one line worth showing even in quiet output. */
export interface ImageProgress {
  stage: 'pull' | 'build';
  message: string;
  notice?: boolean;
}

/**
 * Which image a start uses: the requested one if it is here; else, for a preset's own image, its
 * offline build if that is here (neither touches the network); else a pull; else, for a preset's
 * own image, the offline build, said in one line.
 */
export async function resolveImage(
  spec: ImageSpec,
  override: string | undefined,
  onProgress: (event: ImageProgress) => void = () => {},
): Promise<{ image: string; source: 'local' | 'pulled' | 'offline' | 'offline-built'; info?: ImageInspectInfo }> {
  const wanted = override ?? spec.image;
  // Custom images have no Dockerfile to fall back on. The preset's own image named as an option (--image
  // redis:8.0) is no custom image: it falls back as the default does.
  const own = override === undefined || override === spec.image;
  const offline = own && spec.offline.dockerfile !== '' ? offlineTag(spec.name, spec.offline) : undefined;
  // Both looked up at once: on a machine with only the offline build, one engine round trip less before
  // the create (every start's critical path); with the official image here, one extra inspect beside it.
  // Not over ssh://, where the second would wait for a login of its own (parallelRequests).
  const together = parallelRequests((await engineCalls()).address);
  const offlineLookup = () => (offline ? inspectImage(offline) : Promise.resolve(undefined));
  const early = together ? offlineLookup() : undefined;
  early?.catch(() => {}); // awaited below only when the wanted image is not here: its failure is reported there
  const wantedInfo = await inspectImage(wanted);
  if (wantedInfo) return { image: wanted, source: 'local', info: wantedInfo };
  const offlineInfo = await (early ?? offlineLookup());
  if (offline && offlineInfo) return { image: offline, source: 'offline', info: offlineInfo };

  onProgress({ stage: 'pull', message: `pulling ${wanted}` });
  const failure = await pull(wanted);
  if (failure === undefined) return { image: wanted, source: 'pulled' };
  if (!offline) {
    throw new SandpitError(
      'IMAGE_UNAVAILABLE',
      `Image ${wanted} is not on this engine and could not be pulled (${failure}). Check the name, then \`docker pull ${wanted}\` or \`docker build -t ${wanted} .\` first.`,
      { stage: 'pull' },
    );
  }
  onProgress({
    stage: 'build',
    // Not prefixed with the preset: the start's lines name the service ("sandpit: redis: redis: redis:8.0 is not…").
    message: `${wanted} is not available (${failure}); using ${offline} built from Debian packages`,
    notice: true,
  });
  const built = await buildOffline(spec.name, spec.offline, (message) => onProgress({ stage: 'build', message }));
  return { image: built, source: 'offline-built' };
}
