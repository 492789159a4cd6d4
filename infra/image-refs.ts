// Image references for `images.mode=ci`: digests from stack config or the pipeline's lock file, checked.
import { readFileSync } from 'node:fs';
import type { CiImagesConfig } from './config-schema.js';
import { InfraError, InfraErrorCode } from './errors.js';

// repository (optional registry host[:port], lower-case path components) @ sha256 digest, no tag.
const repository = `[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*`;
const digestRefPattern = new RegExp(`^${repository}@sha256:[0-9a-f]{64}$`);
const taggedRefPattern = new RegExp(`^${repository}(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$`);

/** True for `repo@sha256:<64 hex>`: the only form a deployment may use unless mutable tags are allowed. */
export function isDigestRef(ref: string): boolean {
  return digestRefPattern.test(ref);
}

/** True for `repo`, `repo:tag` or a digest ref: what `images.allowMutableTags=true` lets through. */
export function isImageRef(ref: string): boolean {
  return isDigestRef(ref) || taggedRefPattern.test(ref);
}

export type LockEntries = Readonly<Record<string, string>>;

/**
 * The lock file is `{ "<name>": { "ref": "repo@sha256:…", … } }`; the pipeline may add top-level keys of
 * its own, so only entries that are objects with a string `ref` are read.
 */
export function parseLockFile(text: string, source: string): LockEntries {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InfraError(InfraErrorCode.fileInvalid, source, `is not JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InfraError(InfraErrorCode.fileInvalid, source, 'must be a JSON object of image entries');
  }
  const entries: Record<string, string> = {};
  for (const [name, entry] of Object.entries(value)) {
    if (entry && typeof entry === 'object' && typeof (entry as { ref?: unknown }).ref === 'string') {
      entries[name] = (entry as { ref: string }).ref;
    }
  }
  return Object.freeze(entries);
}

/** The lock file's entries, or undefined when there is none (config alone may name every digest). */
export function readLockFile(path: string): LockEntries | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InfraError(InfraErrorCode.fileInvalid, path, `cannot be read (${(error as Error).message})`);
  }
  return parseLockFile(text, path);
}

export type ResolvedCiRefs = {
  readonly refs: Readonly<Record<string, string>>;
  /** Where each ref came from, for the deploy log. */
  readonly sources: Readonly<Record<string, 'config' | 'lock'>>;
  /** Mutable tags let through by images.allowMutableTags, to be logged as warnings. */
  readonly warnings: readonly string[];
};

/** Pure: one ref per deployed image, config first, then the lock file; refuses anything not digest-pinned. */
export function resolveCiImageRefs(args: {
  project: string;
  names: readonly string[];
  images: CiImagesConfig;
  lock: LockEntries | undefined;
  lockPath: string;
}): ResolvedCiRefs {
  const { project, names, images, lock, lockPath } = args;
  const configured = images as unknown as Readonly<Record<string, unknown>>;
  const refs: Record<string, string> = {};
  const sources: Record<string, 'config' | 'lock'> = {};
  const warnings: string[] = [];
  for (const name of names) {
    const fromConfig = configured[name];
    const ref = typeof fromConfig === 'string' ? fromConfig : lock?.[name];
    const source = typeof fromConfig === 'string' ? 'config' : 'lock';
    const key = source === 'config' ? `${project}:images.${name}` : `${lockPath} ${name}.ref`;
    if (ref === undefined) {
      throw new InfraError(
        InfraErrorCode.imageMissing,
        `${project}:images.${name}`,
        `no image digest: set it (pulumi config set --path images.${name} <repo>@sha256:<digest>) ` +
          `or run \`npm run images -- build --push\` to write ${lockPath}` +
          (lock === undefined ? ' (the file does not exist)' : ` (it has no "${name}" entry)`),
      );
    }
    if (!isDigestRef(ref)) {
      if (!images.allowMutableTags) {
        throw new InfraError(
          InfraErrorCode.imageRefInvalid,
          key,
          `"${ref}" is not <repo>@sha256:<64 hex>; pin it by digest or set images.allowMutableTags=true`,
        );
      }
      if (!isImageRef(ref)) {
        throw new InfraError(InfraErrorCode.imageRefInvalid, key, `"${ref}" is not an image reference`);
      }
      warnings.push(`${key}: deploying mutable tag "${ref}" (images.allowMutableTags=true)`);
    }
    refs[name] = ref;
    sources[name] = source;
  }
  return Object.freeze({ refs: Object.freeze(refs), sources: Object.freeze(sources), warnings });
}
