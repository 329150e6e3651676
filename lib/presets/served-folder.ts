import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * How httpd gets at a local folder. Apache reads the site as its worker user (`daemon`,
 * `www-data`), never as root, so a folder only its owner may read (fs.mkdtempSync makes 0700)
 * would be answered with 403 on every request. The workers run as the folder's owner instead;
 * a folder owned by root cannot be served that way (Apache refuses to serve as root), so its
 * files are copied into the container, and the start says so.
 */
export interface ServedFolder {
  root: string;
  /** uid:gid the workers run as, when not the image's own user. */
  owner?: { uid: number; gid: number };
  /** Set when the folder is served from a copy made at start (later edits do not show). */
  copied?: boolean;
}

/** Readable and searchable by "others": any worker user can serve it as it is. */
const openToAll = (mode: number) => (mode & 0o005) === 0o005;

export function servedFolder(root: string): ServedFolder {
  const { uid, gid, mode } = statSync(root);
  if (uid !== 0) return { root, owner: { uid, gid } };
  return openToAll(mode) ? { root } : { root, copied: true };
}

/** The folder's files, container path → content, readable by any worker user once copied. */
export function folderFiles(root: string, target: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.posix.join(target, path.relative(root, file).split(path.sep).join('/'))] = readFileSync(file);
  }
  return files;
}

/** "mode 0700, owner uid 1000 gid 1000", for messages about a folder that cannot be served. */
export function describeFolder(root: string): string {
  const { uid, gid, mode } = statSync(root);
  return `mode ${(mode & 0o777).toString(8).padStart(4, '0')}, owner uid ${uid} gid ${gid}`;
}
