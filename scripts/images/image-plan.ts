// Decides, per image, whether to build, only push, or skip, from its content hash and what exists already.
import { join, posix } from 'node:path';
import { contextHash } from './context-hash.js';
import { type Engine, localImageId } from './docker-engine.js';
import { gitDirty, type Revision } from './git-revision.js';
import type { ImageSpec } from './manifest.js';
import type { RegistryClient } from './registry-client.js';

export const Action = {
  /** Not built anywhere yet: build (and push when asked). */
  build: 'build',
  /** Built in the local engine under its hash tag, missing from the registry: push only. */
  push: 'push',
  /** Present under its hash tag: nothing to do. */
  skip: 'skip',
} as const;
export type Action = (typeof Action)[keyof typeof Action];

export type ImagePlan = {
  readonly spec: ImageSpec;
  readonly hash: string;
  /** Context files that went into the hash. */
  readonly fileCount: number;
  /** `<registry>/<repository>` or the bare repository when no registry is set. */
  readonly repository: string;
  /** `ch-<hash prefix>`: identifies the content; the first tag of every build. */
  readonly hashTag: string;
  readonly revision: Revision;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly action: Action;
  /** Why this action, for the progress display. */
  readonly reason: string;
  /** The registry's digest for the hash tag, when it has it. */
  readonly registryDigest: string | null;
};

export type PlanOptions = {
  readonly root: string;
  readonly registry: RegistryClient | null;
  readonly push: boolean;
  readonly platforms: readonly string[];
  readonly baseImage: string | null;
  readonly head: string;
  /** Resolved lazily: a run that finds everything in the registry never needs the engine. */
  readonly engine: () => Promise<Engine>;
};

/** 96 bits of the sha256: a tag short enough to read, long enough never to collide in one repository. */
export function hashTagOf(hash: string): string {
  return `ch-${hash.slice(0, 24)}`;
}

export async function planImage(spec: ImageSpec, options: PlanOptions): Promise<ImagePlan> {
  const buildArgs: Record<string, string> = options.baseImage ? { BASE_IMAGE: options.baseImage } : {};
  const context = join(options.root, spec.context);
  const { hash, files } = await contextHash({
    context,
    dockerfile: join(options.root, spec.dockerfile),
    buildArgs,
    platforms: options.platforms,
  });
  const repository = options.registry ? `${options.registry.registry}/${spec.repository}` : spec.repository;
  const hashTag = hashTagOf(hash);
  const rootRelative = [spec.dockerfile, ...files.map((file) => posix.join(spec.context, file))];
  const [registryDigest, dirty] = await Promise.all([
    options.registry ? options.registry.manifestDigest(spec.repository, hashTag) : Promise.resolve(null),
    options.head === 'unknown' ? Promise.resolve(false) : gitDirty(options.root, rootRelative),
  ]);
  const base = {
    spec,
    hash,
    fileCount: files.length,
    repository,
    hashTag,
    revision: { commit: options.head, dirty },
    buildArgs,
    registryDigest,
  };

  if (registryDigest) return { ...base, action: Action.skip, reason: `in ${options.registry!.registry}` };
  const local = await localImageId(await options.engine(), `${repository}:${hashTag}`);
  if (options.push) {
    if (local) return { ...base, action: Action.push, reason: 'built locally, not in the registry' };
    return { ...base, action: Action.build, reason: 'new content' };
  }
  if (local) return { ...base, action: Action.skip, reason: 'built locally' };
  return { ...base, action: Action.build, reason: 'new content' };
}
