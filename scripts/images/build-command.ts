// `images build`: hash every image, build and push only those whose hash is new, and write the lock file.
import { performance } from 'node:perf_hooks';
import { Listr } from 'listr2';
import { buildImage, type Engine, findEngine, pushImage } from './docker-engine.js';
import { ImagesError, ImagesErrorCode } from './errors.js';
import { gitHead, revisionLabel, revisionTag } from './git-revision.js';
import { Action, type ImagePlan, planImage } from './image-plan.js';
import { type LockEntry, readLock, refOf, writeLock } from './lock-file.js';
import type { ImageSpec } from './manifest.js';
import { run } from './process.js';
import { RegistryClient } from './registry-client.js';

export type BuildOptions = {
  readonly root: string;
  readonly images: readonly ImageSpec[];
  readonly lockPath: string;
  readonly push: boolean;
  readonly registry: string | null;
  readonly insecureRegistry: boolean;
  readonly platforms: readonly string[];
  readonly baseImage: string | null;
  readonly secrets: readonly string[];
  readonly cacheFrom: readonly string[];
  readonly cacheTo: readonly string[];
  /** `default` draws the live task list; `simple` logs lines (CI); `silent` for callers that print themselves. */
  readonly renderer: 'default' | 'simple' | 'silent';
};

export type ImageResult = {
  readonly name: string;
  readonly action: Action;
  readonly reason: string;
  readonly hash: string;
  readonly tags: readonly string[];
  /** Registry digest (pushed or found), null for an image only in the local engine. */
  readonly digest: string | null;
  /** The commit the sources are at (`-dirty` when they differ from it). */
  readonly commit: string;
  readonly seconds: number;
};

export async function buildCommand(options: BuildOptions): Promise<ImageResult[]> {
  if (options.push && !options.registry) {
    throw new ImagesError(
      ImagesErrorCode.usage,
      '--push needs a registry: pass --registry or set IMAGES_REGISTRY',
    );
  }
  const registry = options.registry
    ? new RegistryClient(options.registry, { insecure: options.insecureRegistry })
    : null;
  let enginePromise: Promise<Engine> | null = null;
  const engine = () => {
    enginePromise ??= findEngine();
    return enginePromise;
  };
  const head = await gitHead(options.root);
  const results = new Map<string, ImageResult>();

  const tasks = new Listr(
    options.images.map((spec) => ({
      title: spec.name,
      task: async (_: unknown, task: { title: string; output: string }) => {
        const started = performance.now();
        task.title = `${spec.name}: hashing`;
        const plan = await planImage(spec, {
          root: options.root,
          registry,
          push: options.push,
          platforms: options.platforms,
          baseImage: options.baseImage,
          head,
          engine,
        });
        const short = plan.hashTag;
        task.title = `${spec.name}: ${plan.action === Action.skip ? 'skipped' : plan.action} (${short}, ${plan.reason})`;
        const outcome = await execute(plan, options, engine, (line) => {
          task.output = `${spec.name}: ${line}`;
        });
        const seconds = (performance.now() - started) / 1000;
        results.set(spec.name, {
          name: spec.name,
          action: plan.action,
          reason: plan.reason,
          hash: plan.hash,
          commit: revisionLabel(plan.revision),
          ...outcome,
          seconds,
        });
        const done =
          plan.action === Action.skip
            ? 'skipped'
            : options.push
              ? `${plan.action === Action.build ? 'built and pushed' : 'pushed'}`
              : 'built';
        task.title = `${spec.name}: ${done} (${short}, ${plan.reason}) in ${seconds.toFixed(1)} s`;
      },
    })),
    {
      concurrent: true,
      exitOnError: false,
      renderer: options.renderer,
      fallbackRenderer: options.renderer === 'silent' ? 'silent' : 'simple',
      rendererOptions: { collapseErrors: false },
    },
  );
  await tasks.run();

  updateLock(options, results);
  const failed = options.images.filter((spec) => !results.has(spec.name));
  if (failed.length > 0) {
    const reasons = tasks.errors.map((error) => error.message).join('\n');
    throw new ImagesError(
      ImagesErrorCode.buildFailed,
      `${failed.map((s) => s.name).join(', ')} failed:\n${reasons}`,
    );
  }
  return options.images.map((spec) => results.get(spec.name)!);
}

async function execute(
  plan: ImagePlan,
  options: BuildOptions,
  engine: () => Promise<Engine>,
  onLine: (line: string) => void,
): Promise<{ tags: string[]; digest: string | null }> {
  // A skipped image gets no new tag: only its hash tag is known to exist.
  if (plan.action === Action.skip) return { tags: [plan.hashTag], digest: plan.registryDigest };
  const tags = [plan.hashTag, revisionTag(plan.revision)];
  const refs = tags.map((tag) => `${plan.repository}:${tag}`);
  if (plan.action === Action.push) {
    const docker = await engine();
    // Retag first: the commit tag may not exist locally if the image was built at another commit.
    await run(docker.bin, ['tag', refs[0]!, refs[1]!]);
    let digest: string | null = null;
    for (const ref of refs) digest = await pushImage(docker, ref, onLine);
    return { tags, digest };
  }
  const digest = await buildImage(await engine(), {
    context: `${options.root}/${plan.spec.context}`,
    dockerfile: `${options.root}/${plan.spec.dockerfile}`,
    tags: refs,
    buildArgs: plan.buildArgs,
    labels: {
      'org.opencontainers.image.revision': revisionLabel(plan.revision),
      'org.opencontainers.image.title': plan.spec.name,
      'dev.gateway-kit.content-hash': plan.hash,
    },
    platforms: options.platforms,
    secrets: options.secrets,
    cacheFrom: options.cacheFrom.map((spec) => perImage(spec, plan)),
    cacheTo: options.cacheTo.map((spec) => perImage(spec, plan)),
    push: options.push,
    onLine,
  });
  return { tags, digest };
}

/**
 * `{name}` and `{repository}` in a cache spec become the image's, so one flag gives every image its own cache
 * (`type=registry,ref={repository}:buildcache`): concurrent builds exporting to one ref would overwrite each other.
 */
export function perImage(spec: string, plan: Pick<ImagePlan, 'spec' | 'repository'>): string {
  return spec.replaceAll('{name}', plan.spec.name).replaceAll('{repository}', plan.repository);
}

/** Records every image with a registry digest; entries of images not in this run stay as they were. */
function updateLock(options: BuildOptions, results: Map<string, ImageResult>): void {
  const lock = readLock(options.lockPath);
  let changed = false;
  for (const result of results.values()) {
    if (!result.digest || !options.registry) continue;
    const spec = options.images.find((image) => image.name === result.name)!;
    const repository = `${options.registry}/${spec.repository}`;
    const previous = lock.images[result.name];
    // A skipped image keeps the commit it was recorded with, if its content is the same.
    const keepPrevious =
      result.action === Action.skip && previous?.hash === result.hash && previous.digest === result.digest;
    const entry: LockEntry = keepPrevious
      ? previous
      : {
          ref: refOf({ repository, digest: result.digest }),
          repository,
          digest: result.digest,
          hash: result.hash,
          commit: result.commit,
          tags: [...result.tags],
        };
    if (JSON.stringify(previous) !== JSON.stringify(entry)) changed = true;
    lock.images[result.name] = entry;
  }
  if (changed) writeLock(options.lockPath, lock);
}
