import path from 'node:path';

/**
 * Small text files the container writes itself as it starts, from its environment, instead of a copy
 * into it before the start: the engine takes ~50 ms here to put an archive into a created container
 * (it mounts its filesystem), on the critical path of every start from a snapshot. A shell in front of
 * the image's own entrypoint writes them and then runs that entrypoint with the same arguments; a
 * restart writes them again. Needs /bin/sh in the image (every preset's has one). The contents are in
 * the container's configuration, as its other variables are (the mysql preset's MYSQL_* passwords).
 */
export function writtenAtStart(files: Record<string, string>, entrypoint: string[]): { env: Record<string, string>; entrypoint: string[] } | undefined {
  const entries = Object.entries(files);
  if (entries.length === 0) return undefined;
  const env: Record<string, string> = {};
  const steps = entries.map(([file, content], i) => {
    // Our own paths, written into the script as they are: nothing a shell would read otherwise.
    if (!/^\/[\w./-]+$/.test(file)) throw new Error(`writtenAtStart: unsupported path ${file}`);
    env[`SANDPIT_FILE_${i}`] = content;
    return `mkdir -p ${path.posix.dirname(file)} && printf '%s' "$SANDPIT_FILE_${i}" > ${file}`;
  });
  const unset = `unset ${entries.map((_, i) => `SANDPIT_FILE_${i}`).join(' ')}`;
  // "$0" is the image's entrypoint (or its command's first word when it has none), "$@" the rest.
  return { env, entrypoint: ['/bin/sh', '-c', `${steps.join(' && ')} && ${unset} && exec "$0" "$@"`, ...entrypoint] };
}
