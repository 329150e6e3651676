import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { LABEL, ownerLabels } from '../cleanup/labels.js';
import type { EngineCalls } from '../docker/calls.js';
import { describe } from '../errors.js';

const answers = new Map<string, Promise<boolean>>();

/**
 * Whether the engine sees this process's files at the same paths, so a bind mount of a local
 * folder mounts that folder. Measured, not guessed from the address: a unix socket can lead to a
 * VM or another mount namespace, and tcp://127.0.0.1 to this very machine. Once per engine per
 * process; it costs one create and one read of a container that never starts (~100 ms).
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

async function measure(engine: EngineCalls, image: string): Promise<boolean> {
  // A fresh folder with a random name and content: no engine can have it unless it shares our disk.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sandpit-visibility-'));
  const token = randomBytes(16).toString('hex');
  try {
    await writeFile(path.join(dir, 'marker'), token);
    let id;
    try {
      id = await engine.create({
        Image: image,
        Labels: { [LABEL.managed]: 'true', [LABEL.name]: 'visibility-probe', ...ownerLabels(false) },
        HostConfig: { Mounts: [{ Type: 'bind', Source: dir, Target: TARGET, ReadOnly: true }] },
      });
    } catch (error) {
      // The engine checks bind sources at create: a path it does not have is refused right there.
      if (/bind source path does not exist|invalid mount config|no such file or directory/i.test(describe(error))) return false;
      throw error;
    }
    try {
      // Read through the engine, without starting anything: same path on its side, same content?
      return (await markerIn(await engine.archive(id, `${TARGET}/marker`))) === token;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return false;
      throw error;
    } finally {
      await engine.remove(id).catch(() => {});
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

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
