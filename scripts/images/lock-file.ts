// Reads and writes images.lock.json: for each image, the digest-pinned reference that gets deployed.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { ImagesError, ImagesErrorCode } from './errors.js';

const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'not a sha256 digest');
const entrySchema = z.strictObject({
  /** `<registry>/<repository>@sha256:…`: what a deployment references. */
  ref: z.string().regex(/^[^@\s]+@sha256:[0-9a-f]{64}$/, 'not a digest-pinned reference'),
  repository: z.string().min(1),
  digest,
  /** The content hash of the image's inputs (see context-hash.ts). */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** The git commit whose sources have this content hash (`-dirty` when built from uncommitted changes). */
  commit: z.string().min(1),
  tags: z.array(z.string()).min(1),
});
// Top level: image name → entry, the shape infra/ reads (image-refs.ts takes each entry's `ref`).
const lockSchema = z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'not an image name'), entrySchema);

export type LockEntry = z.infer<typeof entrySchema>;
/** In memory the entries sit under `images`; on disk they are the top level. */
export type LockFile = { images: Record<string, LockEntry> };

export function refOf(entry: Pick<LockEntry, 'repository' | 'digest'>): string {
  return `${entry.repository}@${entry.digest}`;
}

export function readLock(path: string, required = false): LockFile {
  if (!existsSync(path)) {
    if (required)
      throw new ImagesError(ImagesErrorCode.lockInvalid, `${path} does not exist; run images build --push`);
    return { images: {} };
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ImagesError(ImagesErrorCode.lockInvalid, `${path}: ${(error as Error).message}`);
  }
  const parsed = lockSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ImagesError(ImagesErrorCode.lockInvalid, `${path}: ${issue.path.join('.')}: ${issue.message}`);
  }
  for (const [name, entry] of Object.entries(parsed.data)) {
    if (entry.ref !== refOf(entry)) {
      throw new ImagesError(
        ImagesErrorCode.lockInvalid,
        `${path}: ${name}.ref does not match repository and digest`,
      );
    }
  }
  return { images: parsed.data };
}

/** Sorted keys and a trailing newline, so an unchanged lock file shows no diff; written atomically. */
export function writeLock(path: string, lock: LockFile): void {
  const images = Object.fromEntries(
    Object.keys(lock.images)
      .sort()
      .map((name) => [name, lock.images[name]]),
  );
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(images, null, 2)}\n`);
  renameSync(temporary, path);
}
