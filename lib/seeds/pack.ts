import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Seed } from './plan.js';

/**
 * The seeds as a tar stream for the engine's archive API: files are read as the engine takes them,
 * never held whole in memory (a 40 MB dump stays a stream). Works on remote engines, unlike a bind mount.
 * Executable .sh files keep their bit: the entrypoint runs those and sources the others.
 */
export function packSeeds(planned: Seed[] | Promise<Seed[]>): Readable {
  // Awaited only once tar-stream has loaded: a plan that fails first must not be an unhandled rejection
  // (it ends the process); its error still reaches the caller through the stream.
  if (planned instanceof Promise) planned.catch(() => {});
  return Readable.from(packed(planned));
}

async function* packed(planned: Seed[] | Promise<Seed[]>): AsyncGenerator<Buffer> {
  // Loaded here, not with this module: a run that takes warm services over packs nothing (~18 ms of load).
  const { default: tar } = await import('tar-stream');
  const pack = tar.pack();
  void (async () => {
    const folders = new Set<string>();
    for (const { name, source } of await planned) {
      // A folder's data keeps its subfolders (data/more.csv): each made before its first file.
      for (let at = name.indexOf('/'); at > 0; at = name.indexOf('/', at + 1)) {
        const folder = name.slice(0, at);
        if (folders.has(folder)) continue;
        folders.add(folder);
        await new Promise<void>((resolve, reject) => pack.entry({ name: `${folder}/`, type: 'directory', mode: 0o755 }, (error) => (error ? reject(error) : resolve())));
      }
      if ('text' in source) {
        await new Promise<void>((resolve, reject) => pack.entry({ name, mode: 0o644 }, `${source.text}\n`, (error) => (error ? reject(error) : resolve())));
      } else {
        const mode = source.mode & 0o111 ? 0o755 : 0o644;
        await pipeline(createReadStream(source.file), pack.entry({ name, mode, size: source.size }));
      }
    }
    pack.finalize();
  })().catch((error: unknown) => pack.destroy(error as Error));
  yield* pack as AsyncIterable<Buffer>;
}
