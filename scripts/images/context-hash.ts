// Content hash of an image's inputs: the Dockerfile, its build arguments and the context files it reads.
//
// Files are hashed by context-relative path and content only: no mode, owner or mtime, so the hash is
// the same in every checkout, under every umask and after every `git clone` (the flaw of docker-build's
// contextHash, which folds file modes in: pulumi-docker-build #222, #358, #979).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { dockerfileSources, isGlob } from './dockerfile-sources.js';
import { type DockerIgnore, loadDockerignore } from './dockerignore.js';
import { ImagesError, ImagesErrorCode } from './errors.js';

const HASH_VERSION = 'gateway-kit-images/1';

export type HashInput = {
  /** Absolute path of the build context. */
  readonly context: string;
  /** Absolute path of the Dockerfile. */
  readonly dockerfile: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly platforms: readonly string[];
};

export type ContextHash = {
  /** sha256, hex. */
  readonly hash: string;
  /** Context-relative paths that went into the hash, sorted. */
  readonly files: readonly string[];
};

export async function contextHash(input: HashInput): Promise<ContextHash> {
  const dockerfileText = readFileSync(input.dockerfile, 'utf8');
  const ignore = loadDockerignore(input.context, input.dockerfile);
  const sources = dockerfileSources(dockerfileText, input.buildArgs);
  const files = new Set<string>();
  for (const source of sources) {
    const matched = await filesOfSource(input.context, source, ignore);
    if (matched.length === 0) {
      throw new ImagesError(
        ImagesErrorCode.dockerfileInvalid,
        `${relative(input.context, input.dockerfile)}: source "${source}" matches nothing in the context ` +
          '(missing, or excluded by .dockerignore)',
      );
    }
    for (const file of matched) files.add(file);
  }
  const sorted = [...files].sort();

  const hash = createHash('sha256');
  hash.update(`${HASH_VERSION}\n`);
  hash.update(`dockerfile\0${sha256(dockerfileText)}\n`);
  for (const name of Object.keys(input.buildArgs).sort())
    hash.update(`arg\0${name}=${input.buildArgs[name]}\n`);
  for (const platform of [...input.platforms].sort()) hash.update(`platform\0${platform}\n`);
  // Files are read in parallel but folded in path order, so the hash does not depend on timing.
  const entries = await Promise.all(sorted.map((file) => fileEntry(input.context, file)));
  for (const entry of entries) hash.update(entry);
  return { hash: hash.digest('hex'), files: sorted };
}

async function fileEntry(context: string, file: string): Promise<string> {
  const path = join(context, ...file.split('/'));
  const stat = await lstat(path);
  if (stat.isSymbolicLink()) return `link\0${file}\0${await readlink(path)}\n`;
  return `file\0${file}\0${sha256(await readFile(path))}\n`;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Context files (not directories) a COPY source takes in, after .dockerignore. */
async function filesOfSource(context: string, source: string, ignore: DockerIgnore): Promise<string[]> {
  if (source === '.') return walk(context, '', ignore);
  if (!isGlob(source)) {
    if (ignore.ignores(source) && !ignore.hasExceptions) return [];
    const stat = await lstat(join(context, source)).catch(() => null);
    if (!stat) return [];
    if (stat.isDirectory()) return walk(context, source, ignore);
    return ignore.ignores(source) ? [] : [source];
  }
  // Walk from the deepest directory without a wildcard; Go's filepath.Match, like picomatch, keeps
  // `*` within one path segment. A matched directory brings everything under it.
  const segments = source.split('/');
  const firstGlob = segments.findIndex((segment) => isGlob(segment));
  const base = segments.slice(0, firstGlob).join('/');
  const isMatch = picomatch(source, { dot: true });
  const candidates = await walk(context, base, ignore);
  return candidates.filter((file) => {
    const parts = file.split('/');
    for (let depth = segments.length; depth <= parts.length; depth++) {
      if (isMatch(parts.slice(0, depth).join('/'))) return true;
    }
    return false;
  });
}

async function walk(context: string, dir: string, ignore: DockerIgnore): Promise<string[]> {
  const found: string[] = [];
  const absolute = dir === '' ? context : join(context, ...dir.split('/'));
  if (!existsSync(absolute)) return found;
  for (const entry of await readdir(absolute, { withFileTypes: true })) {
    const rel = dir === '' ? entry.name : posix.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (ignore.ignores(rel) && !ignore.mayReinclude(rel)) continue;
      found.push(...(await walk(context, rel, ignore)));
    } else if (!ignore.ignores(rel)) {
      found.push(rel.split(sep).join('/'));
    }
  }
  return found;
}
