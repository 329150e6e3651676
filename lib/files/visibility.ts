import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { LABEL, ownerLabels } from '../cleanup/labels.js';
import { VISIBILITY_PREFIX } from '../cleanup/visibility-folders.js';
import type { EngineCalls } from '../docker/calls.js';
import { describe } from '../errors.js';
import { parallelRequests } from '../engine/address.js';

const answers = new Map<string, Promise<boolean>>();

/**
 * Whether the engine sees this process's files at the same paths, so a bind mount of a local
 * folder mounts that folder. Measured, not guessed from the address: a unix socket can lead to a
 * VM or another mount namespace, and tcp://127.0.0.1 to this very machine. Once per engine per
 * process; it costs two creates of containers that never start, and on engines that create
 * whatever a bind names (Podman) a read through one of them.
 */
export function engineSeesLocalFiles(engine: EngineCalls, image: string): Promise<boolean> {
  const key = engine.address.uri;
  let answer = answers.get(key);
  if (!answer) {
    answer = measure(engine, image);
    answers.set(key, answer);
    answer.catch(() => answers.delete(key)); // an engine hiccup is not an answer: ask again next time
  }
  return answer;
}

const TARGET = '/sandpit-visibility';

/** The measurement itself, never cached (engineSeesLocalFiles keeps its answer): exported for its tests. */
export async function measure(engine: EngineCalls, image: string): Promise<boolean> {
  // A fresh folder with a random name and content: no engine can have it unless it shares our disk.
  const dir = await mkdtemp(path.join(os.tmpdir(), VISIBILITY_PREFIX));
  const token = randomBytes(16).toString('hex');
  try {
    await writeFile(path.join(dir, 'marker'), token);
    // One container mounting the fresh folder, one mounting a path in it that exists nowhere: side by side,
    // except over ssh:// (parallelRequests), where the second waits for the first and is not made at all
    // when the first is refused.
    const presentOne = settled(probe(engine, image, dir));
    const absentOne = () => settled(probe(engine, image, path.join(dir, 'absent')));
    const early = parallelRequests(engine.address) ? absentOne() : undefined;
    const present = await presentOne;
    const absent = early ? await early : present.status === 'rejected' ? undefined : await absentOne();
    try {
      if (present.status === 'rejected') {
        // The engine checks bind sources at create: a path it does not have is refused right there.
        if (refusedSource(present.reason)) return false;
        throw present.reason;
      }
      // An engine that refused the absent path and took the fresh one has that fresh random folder: it
      // shares our disk. No read needed: reading through a container mounts its file system, which took
      // ~360 ms of a busy engine's time here (four services starting) and held up the others' starts.
      if (absent?.status === 'rejected' && refusedSource(absent.reason)) return true;
      // This engine creates whatever a bind names (Podman): read through it, same path on its side, same content?
      try {
        return (await markerIn(await engine.archive(present.value, `${TARGET}/marker`))) === token;
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return false;
        throw error;
      }
    } finally {
      await Promise.all([present, absent].map((made) => (made?.status === 'fulfilled' ? engine.remove(made.value).catch(() => {}) : undefined)));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const settled = <T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> =>
  promise.then((value) => ({ status: 'fulfilled', value }) as const, (reason: unknown) => ({ status: 'rejected', reason }) as const);

const probe = (engine: EngineCalls, image: string, source: string): Promise<string> =>
  engine.create({
    Image: image,
    Labels: { [LABEL.managed]: 'true', [LABEL.name]: 'visibility-probe', ...ownerLabels(false) },
    HostConfig: { Mounts: [{ Type: 'bind', Source: source, Target: TARGET, ReadOnly: true }] },
  });

const refusedSource = (error: unknown): boolean => /bind source path does not exist|invalid mount config|no such file or directory/i.test(describe(error));

async function markerIn(archive: Buffer): Promise<string | undefined> {
  const { default: tar } = await import('tar-stream'); // at first use, not at import: only a start with a bind mount reads an archive
  const extract = tar.extract();
  let content: string | undefined;
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (_header, stream, next) => {
      text(stream).then((value) => {
        content ??= value;
        next();
      }, reject);
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  Readable.from([archive]).pipe(extract);
  await done;
  return content;
}
