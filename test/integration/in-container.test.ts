import { describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { containersWith } from '../helpers/engine.js';
import { presetImage } from '../helpers/images.js';
import { withPruneLock } from '../helpers/prune-lock.js';

/**
 * Tests that run in a container of the engine they drive, through its mounted socket: a
 * devcontainer, a CI job container given /var/run/docker.sock. The engine's loopback is the host's
 * there, so services must be published where that container reaches them. The job container is the
 * ubuntu preset's image with this machine's node and this checkout mounted in, read-only.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const socket = '/var/run/docker.sock';
const suite = existsSync(socket) && !process.env.DOCKER_HOST ? describe : describe.skip;

// Inside: up a redis (a short readiness wait: unreachable, it would fail rather than wait 60 s),
// print it, PING it over RESP from the same container, and take it down.
const inside = (name: string) => `
set -e
node ${root}dist/cli/main.js up redis --detach --json --name ${name} --timeout 15000 > /tmp/up.json
cat /tmp/up.json
node --input-type=module -e '
  import http from "node:http";
  import net from "node:net";
  import { readFileSync } from "node:fs";
  const [s] = JSON.parse(readFileSync("/tmp/up.json", "utf8"));
  const route = readFileSync("/proc/net/route", "utf8").split("\\n").map((l) => l.split("\\t")).find((f) => f[1] === "00000000");
  console.log("GATEWAY:", route ? Buffer.from(route[2], "hex").reverse().join(".") : "none");
  http.get({ socketPath: "/var/run/docker.sock", path: "/containers/" + s.containerId + "/json" }, (res) => {
    let body = "";
    res.on("data", (d) => (body += d)).on("end", () => console.log("BOUND:", JSON.stringify(JSON.parse(body).HostConfig.PortBindings)));
  });
  const socket = net.connect(s.port, s.host, () => socket.write("PING\\r\\n"));
  socket.setTimeout(5000, () => { console.log("PING: no answer"); process.exit(1); });
  socket.on("data", (d) => { console.log("PING:", d.toString().trim()); socket.end(); });
  socket.on("error", (e) => { console.log("PING:", e.message); process.exit(1); });
'
node ${root}dist/cli/main.js down ${name}
`;

async function runInside(network: string, name: string, hostname?: string, { script = inside(name), volumes = [] as string[] } = {}) {
  const image = await presetImage('ubuntu');
  try {
    const result = await execa('docker', [
      'run', '--rm', '--network', network, ...(hostname ? ['--hostname', hostname] : []), '--label', `sandpit-test-job=${name}`,
      '-v', `${socket}:/var/run/docker.sock`, '-v', `${root}:${root}:ro`, ...volumes.flatMap((v) => ['-v', v]), '-v', `${process.execPath}:/usr/local/bin/node:ro`,
      '-e', 'NO_COLOR=1', '-w', '/tmp', image, 'timeout', '60', 'bash', '-c', script,
    ], { reject: false, timeout: 90_000 });
    const up = result.stdout.startsWith('[') ? result.stdout.slice(0, result.stdout.indexOf(']') + 1) : ''; // the default script prints its up first
    return { result, service: up ? (JSON.parse(up) as { host: string; port: number; containerId: string }[])[0] : undefined };
  } finally {
    // Whatever a failed run left: the job container, and the service it started (detached).
    // (Two lists: filters on two labels would ask for containers carrying both.)
    await execa('bash', ['-c', `docker rm -f $(docker ps -aq --filter label=sandpit-test-job=${name}) $(docker ps -aq --filter label=sandpit.name=${name}) $(docker ps -aq --filter label=sandpit.name=${name}box) $(docker ps -aq --filter label=sandpit.name=${name}ro) 2>/dev/null`], { reject: false });
  }
}

suite('sandpit in a container of its own engine (a mounted socket)', () => {
  test("on a bridge network: ports are published on that network's gateway, reached from the job, and nowhere else", async () => {
    const name = `injob${process.pid}`;
    // A hostname of its own: the job's id can only come from its mounts (/proc/self/mountinfo), as in a
    // devcontainer or a CI job that names its host, not from Docker's default hostname (the short id).
    const { result, service } = await runInside('bridge', name, 'ci-job');
    expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: expect.any(String) });
    const gateway = /^GATEWAY: (\S+)$/m.exec(result.stdout)?.[1]; // the job container's default route
    expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(service!.host).toBe(gateway);
    expect(result.stdout).toContain('PING: +PONG');
    expect(result.stdout).toContain(`BOUND: {"6379/tcp":[{"HostIp":"${gateway}","HostPort":""}]}`); // not 0.0.0.0
    expect(await containersWith(`sandpit.name=${name}`)).toEqual([]);
  }, 120_000);

  test('sharing the host network (--network host): loopback, as on the host itself', async () => {
    const name = `injobhost${process.pid}`;
    const { result, service } = await runInside('host', name);
    expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: expect.any(String) });
    expect(service!.host).toBe('127.0.0.1');
    expect(result.stdout).toContain('PING: +PONG');
    expect(await containersWith(`sandpit.name=${name}`)).toEqual([]);
  }, 120_000);
  // A devcontainer's workspace is a folder of the host mounted into it: the engine has it at the mount's
  // source. Served and mounted from there, not copied: a file written after the start is served, and a
  // write in the box comes back (a copy refuses a writable mount outright).
  test("folders under the job's own mounts are mounted from the engine's side of them, live and writable", async () => {
    const name = `injobfiles${process.pid}`;
    const site = mkdtempSync(path.join(os.tmpdir(), 'sandpit-job-site-'));
    chmodSync(site, 0o755);
    writeFileSync(path.join(site, 'index.html'), 'at start\n');
    const cli = `node ${root}dist/cli/main.js`;
    const script = `
set -e
${cli} up httpd --root /workspace/site --detach --json --name ${name} --timeout 15000 > /tmp/up.json
echo 'written after the start' > /workspace/site/later.txt
node -e '
  const [s] = JSON.parse(require("fs").readFileSync("/tmp/up.json", "utf8"));
  fetch(s.url + "later.txt").then((r) => r.text()).then((t) => console.log("LATER:", t.trim()), (e) => console.log("LATER:", e.message));
  require("http").get({ socketPath: "/var/run/docker.sock", path: "/containers/" + s.containerId + "/json" }, (res) => {
    let body = "";
    res.on("data", (d) => (body += d)).on("end", () => console.log("MOUNTS:", JSON.stringify(JSON.parse(body).Mounts.map((m) => [m.Type, m.Source, m.RW]))));
  });
'
${cli} up ubuntu --mount /workspace/site --detach --json --name ${name}box --timeout 15000 > /dev/null
${cli} exec ${name}box -- sh -c 'echo from the box > /work/box.txt'
echo "BOX: $(cat /workspace/site/box.txt)"
if ${cli} up ubuntu --mount /workspace/ro --detach --name ${name}ro > /dev/null 2> /tmp/ro.err; then echo 'RO: started'; else echo "RO: $(grep INVALID_OPTION /tmp/ro.err)"; fi
${cli} down ${name} ${name}box
`;
    try {
      const { result } = await runInside('bridge', name, 'dev-box', { script, volumes: [`${site}:/workspace/site`, `${site}:/workspace/ro:ro`] });
      expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: expect.any(String) });
      expect(result.stdout).toMatch(/^LATER: written after the start$/m);
      expect(result.stdout).toMatch(/^BOX: from the box$/m);
      // The same folder through a read-only mount of the job: never handed to a box writable.
      expect(result.stdout).toMatch(/^RO: sandpit: \S+: mount \/workspace\/ro is under none of this container's writable bind mounts/m);
      expect(result.stdout).toContain(`MOUNTS: ${JSON.stringify([['bind', site, false]])}`); // the host's folder, read-only
      expect(await containersWith(`sandpit.name=${name}`)).toEqual([]);
      expect(await containersWith(`sandpit.name=${name}box`)).toEqual([]);
    } finally {
      rmSync(site, { recursive: true, force: true });
    }
  }, 120_000);

  // `docker run … npm test`, a CI job's script: the test command is pid 1 of the job's pid namespace, or its
  // child. When pid 1 ends, the kernel kills everything left there, the watchdog too: a redis started by a
  // script that never stopped it stayed after `docker run` returned, and `docker stop` (SIGTERM, which pid 1
  // ignores by default) waited 10 s for SIGKILL and left it too.
  describe("as the job container's main process (pid 1, or under a pid 1 that ends with it)", () => {
    const job = async (name: string, command: string[], detach = false, more: string[] = []) => {
      const image = await presetImage('ubuntu');
      return execa('docker', [
        'run', ...(detach ? ['-d'] : []), ...more, '--name', name, '--label', `sandpit-test-job=${name}`,
        '-v', `${socket}:/var/run/docker.sock`, '-v', `${root}:${root}:ro`, '-v', `${process.execPath}:/usr/local/bin/node:ro`,
        '-e', 'NO_COLOR=1', '-w', '/tmp', image, ...command,
      ], { reject: false, timeout: 90_000 });
    };
    const script = (name: string, then: string) =>
      `const { start } = await import(${JSON.stringify(`${root}dist/lib/index.js`)}); await start({ preset: 'redis', name: ${JSON.stringify(name)} }); console.log('up'); ${then}`;
    /** A job that started its redis and runs on, as a test run does. */
    const runningJob = async (name: string, more: string[] = []) => {
      await job(name, ['node', '--input-type=module', '-e', script(name, 'setInterval(() => {}, 1000);')], true, more);
      const until = Date.now() + 60_000;
      while (!(await execa('docker', ['logs', name], { reject: false })).stdout.includes('up') && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    };
    const exitCode = async (name: string) => Number((await execa('docker', ['inspect', '-f', '{{.State.ExitCode}}', name])).stdout);
    const removeJob = (name: string) => execa('bash', ['-c', `docker rm -f ${name} $(docker ps -aq --filter label=sandpit.name=${name}) 2>/dev/null`], { reject: false });

    test('a script that ends without stop(): nothing left once `docker run` returns', async () => {
      const name = `pid1end${process.pid}`;
      try {
        const result = await job(name, ['node', '--input-type=module', '-e', script(name, '')]);
        expect({ exitCode: result.exitCode, stdout: result.stdout }).toEqual({ exitCode: 0, stdout: 'up' });
        expect(await containersWith(`sandpit.name=${name}`)).toEqual([]);
      } finally {
        await removeJob(name);
      }
    }, 120_000);

    test('process.exit(3) under a shell that is pid 1: exit 3, nothing left', async () => {
      const name = `pid1exit${process.pid}`;
      try {
        const result = await job(name, ['sh', '-c', `node --input-type=module -e "${script(name, 'process.exit(3);').replace(/"/g, '\\"')}"`]);
        expect(result.exitCode).toBe(3);
        expect(await containersWith(`sandpit.name=${name}`)).toEqual([]);
      } finally {
        await removeJob(name);
      }
    }, 120_000);

    test('`docker stop` (SIGTERM to pid 1): it exits 143 by that signal, not by the SIGKILL 10 s later, and leaves nothing', async () => {
      const name = `pid1stop${process.pid}`;
      try {
        await runningJob(name);
        expect(await containersWith(`sandpit.name=${name}`)).toHaveLength(1);
        await execa('docker', ['stop', name]);
        expect(await exitCode(name)).toBe(143);
        expect(await containersWith(`sandpit.name=${name}`)).toEqual([]);
      } finally {
        await removeJob(name);
      }
    }, 120_000);

    // SIGKILL of the whole job: nothing in it runs on. Its services carry the job container's id, and a prune
    // on the engine's machine (a pid of the job's namespace means nothing here) removes them once it is gone.
    test('`docker kill` of the job: its services stay, and `sandpit prune` here removes them, naming the job container', async () => {
      const name = `pid1kill${process.pid}`;
      try {
        await runningJob(name);
        const jobId = (await execa('docker', ['inspect', '-f', '{{.Id}}', name])).stdout.trim();
        await execa('docker', ['rm', '-f', name]);
        const [service] = await containersWith(`sandpit.name=${name}`);
        expect(service).toBeDefined();
        const pruned = await withPruneLock(() => execa(process.execPath, [`${root}dist/cli/main.js`, 'prune'], { reject: false, env: { NO_COLOR: '1' } }));
        expect(pruned.exitCode).toBe(0);
        expect(pruned.stdout).toContain(`  ${name} (${service!.slice(0, 12)}): the container its process ran in (${jobId.slice(0, 12)}) is gone`);
        expect(await containersWith(`sandpit.name=${name}`)).toEqual([]);
      } finally {
        await removeJob(name);
      }
    }, 120_000);

    // A job on another container's network (`--network container:X`, a pod) has X's /etc/hostname: the id found
    // is X's. Labelled with it, its services went when X stopped while the job still ran.
    test("on another container's network: its services are not labelled as that container's", async () => {
      const name = `pid1net${process.pid}`;
      const host = (await execa('docker', ['run', '-d', '--label', `sandpit-test-job=${name}`, await presetImage('ubuntu'), 'sleep', '120'])).stdout.trim();
      try {
        await runningJob(name, ['--network', `container:${host}`]);
        const [service] = await containersWith(`sandpit.name=${name}`);
        expect(service).toBeDefined();
        expect((await execa('docker', ['inspect', '-f', '{{index .Config.Labels "sandpit.owner.container"}}', service!])).stdout.trim()).toBe('');
      } finally {
        await removeJob(name);
        await execa('docker', ['rm', '-f', host], { reject: false });
      }
    }, 120_000);
  });
});
