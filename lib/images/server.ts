import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { docker } from '../docker/client.js';
import { SERVER_FILE } from './names.js';
import { LABEL, ownerLabels } from '../cleanup/labels.js';

/**
 * Which server an offline image holds ("MySQL 9.7.4 (Debian sid)"), read from the file its build
 * wrote: a container is created to read it, never started. Undefined for images without the file.
 */
export async function offlineServer(image: string): Promise<string | undefined> {
  const dockerode = (await docker()).container.dockerode;
  // Owned like a service: if this process dies before removing it, the sweep of dead sessions does.
  const Labels = { [LABEL.managed]: 'true', [LABEL.name]: 'image-reader', ...ownerLabels(false) };
  const container = await dockerode.createContainer({ Image: image, Entrypoint: ['true'], Cmd: [], Labels });
  try {
    const archive = (await container.getArchive({ path: SERVER_FILE })) as NodeJS.ReadableStream;
    return (await firstFile(archive)).trim() || undefined;
  } catch {
    return undefined;
  } finally {
    await container.remove({ force: true, v: true }).catch(() => {});
  }
}

function firstFile(archive: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const extract = tar.extract();
    let text = '';
    extract.on('entry', (_header, stream, next) => {
      stream.on('data', (chunk: unknown) => (text += String(chunk)));
      stream.on('end', next);
    });
    extract.on('finish', () => resolve(text));
    extract.on('error', reject);
    Readable.from(archive as AsyncIterable<Buffer>).pipe(extract);
  });
}
