import { docker, runtime } from '../docker/client.js';
import { describe } from '../errors.js';

/** Long enough for a slow layer, short enough that a registry which stopped answering is given up. */
const IDLE_MS = 30_000;

/** Pulls with the user's registry credentials; resolves with why it failed, or undefined once the image is here. */
export async function pull(image: string): Promise<string | undefined> {
  const client = await docker();
  const dockerode = client.container.dockerode;
  // testcontainers' own reader of ~/.docker/config.json and credential helpers.
  const { ImageName, getAuthConfig } = await runtime();
  let timer: NodeJS.Timeout | undefined;
  try {
    const authconfig = await getAuthConfig(ImageName.fromString(image).registry ?? client.info.containerRuntime.indexServerAddress);
    const stream = await dockerode.pull(image, authconfig ? { authconfig } : {});
    return await new Promise<string | undefined>((resolve) => {
      const idle = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          (stream as unknown as { destroy(): void }).destroy();
          resolve(`the registry sent nothing for ${IDLE_MS / 1000} s`);
        }, IDLE_MS);
      };
      idle();
      dockerode.modem.followProgress(
        stream,
        (error: Error | null) => resolve(error ? short(describe(error)) : undefined),
        (event: { error?: string }) => (event.error ? resolve(short(event.error)) : idle()),
      );
    });
  } catch (error) {
    return short(describe(error));
  } finally {
    clearTimeout(timer);
  }
}

/** Registry failures are long transport errors; the one line a person needs is what happened. */
const short = (message: string): string =>
  /lookup|dial tcp|no such host|connection refused|i\/o timeout|TLS handshake|network is unreachable/i.test(message)
    ? 'no registry reachable'
    : message.slice(0, 200);
