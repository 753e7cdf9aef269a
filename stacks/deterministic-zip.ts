import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, relative, sep } from 'node:path';
import { zipSync, type Zippable } from 'fflate';

// DOS timestamps are written from local-time fields, so the date is built from local fields too:
// the bytes are then the same in every time zone.
const FIXED_MODIFIED_TIME = new Date(1980, 0, 1, 0, 0, 0);
const UNIX_HOST = 3;
const REGULAR_FILE_0644 = 0o100644 << 16;

/**
 * Zips every file under `directory` so that the same files always give the same bytes: entries
 * sorted by path, one fixed timestamp, fixed permissions, fixed compression level.
 */
export function zipDirectory(directory: string): Buffer {
  const entries: Zippable = {};
  for (const file of listFiles(directory)) {
    entries[file.split(sep).join(posix.sep)] = [
      new Uint8Array(readFileSync(join(directory, file))),
      { mtime: FIXED_MODIFIED_TIME, os: UNIX_HOST, attrs: REGULAR_FILE_0644, level: 9 },
    ];
  }
  return Buffer.from(zipSync(entries));
}

/** Base64 SHA-256, the form Lambda's `source_code_hash` takes. */
export function base64Sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('base64');
}

/**
 * Writes the zip to a content-addressed file outside the repository, so that a synth can hand it to
 * a TerraformAsset; returns its path.
 */
export function stageZip(bytes: Buffer, name: string): string {
  const hash = createHash('sha256').update(bytes).digest('hex');
  const directory = join(tmpdir(), 'ssm-agent-ops-zips', hash);
  const target = join(directory, `${name}.zip`);
  if (!existsSync(target)) {
    mkdirSync(directory, { recursive: true });
    const partial = `${target}.${process.pid}.partial`;
    writeFileSync(partial, bytes);
    renameSync(partial, target);
  }
  return target;
}

/** Every file under `directory`, as paths relative to it, in a fixed order. */
export function listFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)))
    .sort();
}
