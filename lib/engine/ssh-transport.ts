import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import http from 'node:http';
import { Duplex } from 'node:stream';

/**
 * HTTP to an engine over ssh, the Docker CLI's way: each connection is the user's own `ssh`
 * running `docker system dial-stdio` on the engine's machine, so ~/.ssh/config (aliases, User,
 * Port, ProxyJump, IdentityFile), known_hosts and every way of logging in apply as they do to
 * `docker`. Unlike `docker`, it never asks: BatchMode makes a login that would prompt (an unknown
 * host key, a passphrase) fail at once with ssh's own words, not wait on a prompt a test runner hides.
 *
 * Connections are kept alive between requests (a new one costs a login and a docker CLI start on
 * the far side, ~370 ms here; a request on a kept one under 1 ms). A kept connection does not hold
 * the process open, and it ends after a short idle spell: one that died quietly while idle (a NAT's
 * time-out, a host that went away) would leave the next request waiting with no error.
 */
export const SSH_IDLE_MS = 5_000;
const CONNECT_TIMEOUT_S = 10;

/** ssh's arguments for the user, port and host of an ssh:// address (an IPv6 host without the URL's brackets). */
export const sshDestination = (url: URL): string[] => [
  ...(url.username ? ['-l', decodeURIComponent(url.username)] : []),
  ...(url.port ? ['-p', url.port] : []),
  '--',
  url.hostname.replace(/^\[(.*)\]$/, '$1'),
];

export function sshAgent(destination: string[]): http.Agent {
  return new CommandAgent(destination);
}

/**
 * Node's keep-alive agent over ssh processes. A connection answers `ref`/`unref` (what the agent
 * calls on a socket it reuses or keeps); only `keepSocketAlive` is replaced, as it sets TCP options.
 */
class CommandAgent extends http.Agent {
  constructor(private readonly destination: string[]) {
    super({ keepAlive: true });
  }

  override createConnection(): Duplex {
    return new SshConnection(this.destination);
  }

  override keepSocketAlive(connection: Duplex): boolean {
    (connection as SshConnection).unref();
    return true;
  }
}

class SshConnection extends Duplex {
  readonly #child: ChildProcessWithoutNullStreams;
  #stderr = '';
  #idle?: NodeJS.Timeout;
  #kept = false;

  constructor(destination: string[]) {
    super();
    const options = ['-o', 'BatchMode=yes', '-o', `ConnectTimeout=${CONNECT_TIMEOUT_S}`, '-T'];
    const child = (this.#child = spawn('ssh', [...options, ...destination, 'docker', 'system', 'dial-stdio']));
    child.stdout.on('data', (chunk: Buffer) => {
      this.#active();
      if (!this.push(chunk)) child.stdout.pause();
    });
    child.stderr.on('data', (chunk: Buffer) => (this.#stderr = (this.#stderr + chunk.toString()).slice(-4000)));
    child.stdin.on('error', () => {}); // a dead ssh is told by its exit below, with its own words
    child.once('error', (error: NodeJS.ErrnoException) =>
      this.destroy(
        error.code === 'ENOENT'
          ? new Error("ssh:// engines need the `ssh` command (OpenSSH's client) on PATH, as the Docker CLI does", { cause: error })
          : error,
      ),
    );
    child.once('close', (code, signal) => {
      if (this.destroyed) return;
      // The far side closed the connection. A request on it reads its end; a kept one must go
      // ('close' takes it out of the agent's pool), or the next request would wait on a dead ssh.
      if (code === 0) return void (this.#kept ? this.destroy() : this.push(null));
      const said = this.#stderr.trim().split('\n').filter((line) => !/^warning:/i.test(line)).pop()?.replace(/\.$/, '');
      const command = `ssh ${destination.join(' ')}`;
      // 255 is ssh's own failure (no connection, no login), not the far side's docker.
      const hint = code === 255 ? `; \`${command} docker version\` must work without a prompt` : '';
      this.destroy(new Error(`\`${command}\` ended (${signal ?? `exit ${code}`})${said ? `: ${said}` : ''}${hint}`));
    });
  }

  /** net.Socket's inactivity time-out, which a request's `setTimeout` sets on its socket. */
  setTimeout(ms: number, listener?: () => void): this {
    if (listener) this.once('timeout', listener);
    this.#inactivityMs = ms;
    this.#active();
    return this;
  }

  #inactivityMs = 0;
  #inactivity?: NodeJS.Timeout;

  #active(): void {
    clearTimeout(this.#inactivity);
    if (this.#inactivityMs > 0 && !this.destroyed) this.#inactivity = setTimeout(() => this.emit('timeout'), this.#inactivityMs).unref();
  }

  override _read(): void {
    this.#child.stdout.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.#active();
    this.#child.stdin.write(chunk, encoding, () => done()); // a failed write shows as ssh's exit
  }

  override _final(done: () => void): void {
    this.#child.stdin.end(done);
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    clearTimeout(this.#idle);
    clearTimeout(this.#inactivity);
    this.#child.kill();
    done(error);
  }

  /** In use: the process waits for it. */
  ref(): void {
    this.#kept = false;
    clearTimeout(this.#idle);
    for (const handle of this.#handles()) handle.ref();
  }

  /** Kept for the next request: the process may end without it, and it ends if unused for a while. */
  unref(): void {
    this.#kept = true;
    for (const handle of this.#handles()) handle.unref();
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => this.destroy(), SSH_IDLE_MS).unref();
  }

  #handles(): { ref(): void; unref(): void }[] {
    const child = this.#child;
    return [child, child.stdin, child.stdout, child.stderr] as unknown as { ref(): void; unref(): void }[];
  }
}
