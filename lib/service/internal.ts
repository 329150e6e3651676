/**
 * Another container on the same engine (an app under test started beside its database) does not reach a
 * service at its url: 127.0.0.1 there is that container itself ("Connection refused"). It reaches it at the
 * service container's address on their shared network, on the container's own port, as `docker run` users
 * do with `--network`. The first network that gave it an address (the default bridge: 172.17.0.x).
 */
export function networkAddress(networks: Record<string, { IPAddress?: string }> | undefined): string | undefined {
  return Object.values(networks ?? {}).find((n) => n.IPAddress)?.IPAddress || undefined;
}

/** A service's endpoint for other containers: its network address and container port, in the preset's own url form. */
export function internalEndpoint<R extends object>(
  preset: { url(target: { host: string; port: number }, options: R): string },
  target: { host: string; port: number },
  options: R,
): Endpoint {
  return { host: target.host, port: target.port, url: preset.url(target, options) };
}

export interface Endpoint {
  readonly host: string;
  readonly port: number;
  readonly url: string;
}
