import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { docker, engineSelection, isLocalEngine } from '../docker/client.js';
import { SandpitError, describe } from '../errors.js';
import type { OfflineImage } from '../preset.js';
import { ensureBaseImage } from './base.js';
import { buildOnce } from './once.js';
import { DEFAULT_SUITE, SERVER_FILE, baseTag, imagePrefix } from './names.js';
import { present } from './present.js';

/** The tag names the content: an edited Dockerfile is a new image, an unchanged one is found as is. */
export function offlineTag(name: string, image: OfflineImage): string {
  const hash = createHash('sha256').update(baseTag(image.suite)).update(dockerfile(image));
  for (const [file, content] of Object.entries(image.files ?? {}).sort()) hash.update(file).update(content);
  return `${imagePrefix()}/${name}:${hash.digest('hex').slice(0, 12)}`;
}

/** Builds a preset's image from Debian packages, once (see buildOnce). */
export function buildOffline(name: string, image: OfflineImage, onProgress: (line: string) => void = () => {}): Promise<string> {
  const tag = offlineTag(name, image);
  // The base is needed only when building: an image built earlier needs nothing else, even if its base was since removed.
  return buildOnce(tag, onProgress, async () => dockerBuild(name, tag, image, await ensureBaseImage(image.suite, onProgress), onProgress));
}

async function dockerBuild(name: string, tag: string, image: OfflineImage, base: string, onProgress: (line: string) => void): Promise<string> {
  onProgress(`building ${tag} from Debian packages`);
  const client = await docker();
  const dockerode = client.container.dockerode;
  const stream = await dockerode.buildImage(await context(image, base), {
    t: tag,
    labels: { 'sandpit.image': name },
    rm: true,
    forcerm: true,
  });
  let output = '';
  let step = '';
  const failure = await new Promise<string | undefined>((resolve) =>
    dockerode.modem.followProgress(
      stream,
      (error: Error | null) => resolve(error ? describe(error) : undefined),
      (event: { stream?: string; error?: string }) => {
        if (event.error) return resolve(event.error.trim());
        // The engine colours a step's stderr, and splits output anywhere, even mid-line.
        output += event.stream?.replace(/\x1b\[[0-9;]*m/g, '') ?? '';
        if (event.stream?.startsWith('Step ')) onProgress(`${name}: ${(step = clip(event.stream.trim()))}`);
      },
    ),
  );
  if (failure !== undefined || !(await present(tag))) {
    const at = step ? ` at "${step}"` : '';
    // The engine's words repeat the step's whole command (a kilobyte for httpd's), which the step names already.
    const said = failure?.replace(/^The command '[\s\S]*' returned /, 'its command returned ');
    // A remote engine (CI's docker:dind) builds there, and its containers may not reach the mirror this machine
    // reaches: the way out is the image an engine that has it saves (README: CI and remote engines).
    const chosen = isLocalEngine(client) ? undefined : engineSelection();
    const remote = chosen
      ? ` The engine at ${chosen.uri} is not this machine's, and builds there: if its containers cannot reach the mirror, copy the image from an engine that has it (this machine's: \`DOCKER_HOST= docker save ${tag} | docker -H ${chosen.uri} load\`).`
      : '';
    throw new SandpitError(
      'IMAGE_UNAVAILABLE',
      `Building the offline ${name} image failed${at}: ${said ?? 'no image was produced'}. Is the Debian mirror reachable from containers?${remote}`,
      { stage: 'build', logs: output.trim().split('\n').slice(-20).join('\n') },
    );
  }
  onProgress(`built ${tag}`);
  return tag;
}

/** The build context as an in-memory tar: nothing to write, nothing left behind on failure. */
async function context(image: OfflineImage, base: string): Promise<NodeJS.ReadableStream> {
  // At first build, not at import: every start finds its image through this module (~10 ms of load).
  const { default: tar } = await import('tar-stream');
  const pack = tar.pack();
  pack.entry({ name: 'Dockerfile' }, dockerfile(image).replaceAll('{{base}}', base));
  for (const [file, content] of Object.entries(image.files ?? {})) pack.entry({ name: file, mode: 0o755 }, content);
  pack.finalize();
  return Readable.from(pack);
}

/**
 * The preset's Dockerfile, plus a last step that records which server was installed (`images ls`
 * reads it back): the version is the mirror's, known only once the image is built.
 */
function dockerfile(image: OfflineImage): string {
  if (!image.server) return image.dockerfile;
  const { name, package: pkg } = image.server;
  const version = `$(dpkg-query -W -f '\${Version}' ${pkg} | sed -e 's/^[0-9]*://' -e 's/-[^-]*$//')`;
  const suite = image.suite ?? DEFAULT_SUITE;
  return `${image.dockerfile.trimEnd()}\nRUN echo "${name} ${version} (Debian ${suite})" > ${SERVER_FILE}\n`;
}

const clip = (line: string): string => (line.length > 100 ? `${line.slice(0, 99)}…` : line);
