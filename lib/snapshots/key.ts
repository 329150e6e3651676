import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SNAPSHOT_FORMAT } from './names.js';
import { dataIn, scriptsIn } from '../seeds/index.js';

export interface SnapshotInputs {
  preset: string;
  /** The base image's id: a rebuilt or re-pulled image is another snapshot. */
  baseId: string;
  shapes: Record<string, unknown>;
  /** Script entries: files, folders, or inline text. */
  scripts: string[];
}

/**
 * The key names what shapes the data: preset, base image id, data-shaping options, the scripts'
 * bytes (not their paths: a moved checkout keeps its snapshot), and sandpit's snapshot format.
 * A file's kind (`.sql`, `.sql.gz`, `.sh`…) is part of it, since it decides how the file runs.
 */
export async function snapshotKey(inputs: SnapshotInputs): Promise<string> {
  const hash = createHash('sha256');
  const field = (value: string) => hash.update(`${Buffer.byteLength(value)}:${value};`);
  field(SNAPSHOT_FORMAT);
  field(inputs.preset);
  field(inputs.baseId);
  // Code-point order, not localeCompare: its first call loads ICU's collator (~11 ms, on every start).
  field(JSON.stringify(Object.entries(inputs.shapes).sort(([a], [b]) => (a < b ? -1 : 1))));
  for (const entry of inputs.scripts) {
    const files = await filesOf(entry);
    if (files === undefined) {
      field('inline');
      field(entry);
      continue;
    }
    for (const file of files) {
      field(`file ${kind(file)}`);
      field(await digest(file));
    }
    // A folder's other files are data its scripts read (lib/seeds dataIn): their bytes and where they are.
    for (const nested of nestedIn(entry)) {
      field(`data ${nested}`);
      field(await digest(path.join(entry, nested)));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/** The files an entry stands for, in the order they run; undefined for inline text. */
async function filesOf(entry: string): Promise<string[] | undefined> {
  // Inline SQL can be longer than a path may be (ENAMETOOLONG): whatever stat refuses is no file.
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(entry, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
  if (!stat) return undefined;
  if (stat.isFile()) return [entry];
  if (!stat.isDirectory()) return undefined;
  // Its scripts (linked ones too); its other files are data, hashed with their names (nestedIn).
  return scriptsIn(entry);
}

/** A folder entry's data files (none for a file or text), by their path in it. */
function nestedIn(entry: string): string[] {
  let folder = false;
  try {
    folder = statSync(entry, { throwIfNoEntry: false })?.isDirectory() === true;
  } catch {
    // inline text longer than a path may be
  }
  return folder ? dataIn(entry) : [];
}

const kind = (file: string) => /(\.[a-z0-9]+)+$/i.exec(path.basename(file))?.[0].toLowerCase() ?? '';

/** A 40 MB seed hashes in ~0.1 s: once per process, again only when its size or mtime changes. */
const digests = new Map<string, { stamp: string; digest: Promise<string> }>();

function digest(file: string): Promise<string> {
  const { size, mtimeMs } = statSync(file);
  const stamp = `${size}:${mtimeMs}`;
  const known = digests.get(file);
  if (known?.stamp === stamp) return known.digest;
  const hash = createHash('sha256');
  const pending = pipeline(createReadStream(file), hash).then(() => hash.digest('hex'));
  pending.catch(() => digests.delete(file));
  digests.set(file, { stamp, digest: pending });
  return pending;
}
