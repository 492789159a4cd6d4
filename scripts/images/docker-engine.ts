// Finds a Docker client that builds with BuildKit and drives it: build, tag, push, inspect.
import { realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ImagesError, ImagesErrorCode } from './errors.js';
import { run, tail } from './process.js';

/**
 * `buildx`: `docker buildx build` (any current Docker). `buildkit`: `DOCKER_BUILDKIT=1 docker build`, which
 * only a client older than 23 runs itself; newer clients hand `docker build` to buildx and fail without it.
 */
export const Builder = { buildx: 'buildx', buildkit: 'buildkit' } as const;
export type Builder = (typeof Builder)[keyof typeof Builder];

export type Engine = {
  readonly bin: string;
  readonly builder: Builder;
  readonly clientVersion: string;
  /** `host` when the daemon has no bridge network (dockerd --bridge=none): RUN steps need one or the host's. */
  readonly buildNetwork: 'host' | null;
};

/** `$DOCKER` when set, else every `docker` on PATH, in PATH order. */
function candidates(env: NodeJS.ProcessEnv): string[] {
  if (env.DOCKER) return [env.DOCKER];
  const seen = new Set<string>();
  const found: string[] = [];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const path = join(dir, 'docker');
    try {
      const real = realpathSync(path);
      if (seen.has(real)) continue;
      seen.add(real);
      found.push(path);
    } catch {
      // not in this directory
    }
  }
  return found;
}

export async function findEngine(env: NodeJS.ProcessEnv = process.env): Promise<Engine> {
  const rejected: string[] = [];
  for (const bin of candidates(env)) {
    const versionText = await run(bin, ['--version']).catch(() => null);
    const clientVersion = /version (\d+\.\d+\.\d+)/.exec(versionText?.stdout ?? '')?.[1];
    if (versionText?.code !== 0 || !clientVersion) {
      rejected.push(`${bin}: not runnable`);
      continue;
    }
    const buildx = await run(bin, ['buildx', 'version']);
    let builder: Builder;
    if (buildx.code === 0) builder = Builder.buildx;
    else if (Number(clientVersion.split('.')[0]) < 23) builder = Builder.buildkit;
    else {
      rejected.push(`${bin}: client ${clientVersion} without buildx`);
      continue;
    }
    const info = await run(bin, ['info', '--format', '{{.ServerVersion}}']);
    if (info.code !== 0) {
      throw new ImagesError(
        ImagesErrorCode.engineMissing,
        `${bin}: the Docker daemon is not reachable (${tail(info.stderr, 2)})`,
      );
    }
    const bridge = await run(bin, ['network', 'inspect', 'bridge']);
    return { bin, builder, clientVersion, buildNetwork: bridge.code === 0 ? null : 'host' };
  }
  const tried = rejected.length > 0 ? ` (tried ${rejected.join('; ')})` : ' (none on PATH)';
  throw new ImagesError(
    ImagesErrorCode.engineMissing,
    `no Docker client that builds with BuildKit${tried}: install docker buildx, or set DOCKER to a client that has it`,
  );
}

export type BuildRequest = {
  readonly context: string;
  readonly dockerfile: string;
  readonly tags: readonly string[];
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly platforms: readonly string[];
  /** `id=…,src=…` or `id=…,env=…`, passed to BuildKit as secrets (never as build arguments). */
  readonly secrets: readonly string[];
  readonly cacheFrom: readonly string[];
  readonly cacheTo: readonly string[];
  readonly push: boolean;
  readonly onLine?: (line: string) => void;
};

/** Builds (and with `push`, pushes every tag); returns the pushed manifest digest, or null when not pushed. */
export async function buildImage(engine: Engine, request: BuildRequest): Promise<string | null> {
  const args: string[] = ['--progress', 'plain', '-f', request.dockerfile];
  for (const [name, value] of Object.entries(request.buildArgs)) args.push('--build-arg', `${name}=${value}`);
  for (const [name, value] of Object.entries(request.labels)) args.push('--label', `${name}=${value}`);
  for (const secret of request.secrets) args.push('--secret', secret);
  for (const cache of request.cacheFrom) args.push('--cache-from', cache);
  for (const tag of request.tags) args.push('-t', tag);
  if (request.platforms.length > 0) args.push('--platform', request.platforms.join(','));
  if (engine.buildNetwork) args.push('--network', engine.buildNetwork);

  if (engine.builder === Builder.buildx) {
    for (const cache of request.cacheTo) args.push('--cache-to', cache);
    const dir = await mkdtemp(join(tmpdir(), 'images-build-'));
    try {
      const metadata = join(dir, 'metadata.json');
      const output = request.push ? '--push' : request.platforms.length > 1 ? null : '--load';
      await docker(
        engine,
        [
          'buildx',
          'build',
          ...args,
          ...(output ? [output] : []),
          '--metadata-file',
          metadata,
          request.context,
        ],
        request,
        ImagesErrorCode.buildFailed,
      );
      if (!request.push) return null;
      const digest = JSON.parse(await readFile(metadata, 'utf8'))['containerimage.digest'];
      if (typeof digest !== 'string')
        throw new ImagesError(ImagesErrorCode.pushFailed, 'buildx reported no pushed digest');
      return digest;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  if (request.cacheTo.length > 0 || request.platforms.length > 1) {
    throw new ImagesError(
      ImagesErrorCode.usage,
      `${engine.bin} has no buildx: --cache-to and multi-platform builds need docker buildx`,
    );
  }
  await docker(engine, ['build', ...args, request.context], request, ImagesErrorCode.buildFailed, {
    DOCKER_BUILDKIT: '1',
  });
  if (!request.push) return null;
  let digest: string | null = null;
  for (const tag of request.tags) digest = await pushImage(engine, tag, request.onLine);
  return digest;
}

/** Pushes one tag and returns the manifest digest the registry stored. */
export async function pushImage(
  engine: Engine,
  tag: string,
  onLine?: (line: string) => void,
): Promise<string> {
  const result = await docker(engine, ['push', tag], { onLine }, ImagesErrorCode.pushFailed);
  const digest = /digest: (sha256:[0-9a-f]{64})/.exec(result.stdout)?.[1];
  if (!digest) throw new ImagesError(ImagesErrorCode.pushFailed, `docker push ${tag} reported no digest`);
  return digest;
}

/** The local image id of a tag, or null when the daemon has no such image. */
export async function localImageId(engine: Engine, tag: string): Promise<string | null> {
  const result = await run(engine.bin, ['image', 'inspect', '--format', '{{.Id}}', tag]);
  return result.code === 0 ? result.stdout.trim() : null;
}

async function docker(
  engine: Engine,
  args: string[],
  options: { onLine?: (line: string) => void },
  failure: ImagesErrorCode,
  extraEnv: NodeJS.ProcessEnv = {},
) {
  const result = await run(engine.bin, args, {
    env: { ...process.env, ...extraEnv },
    onLine: options.onLine,
  });
  if (result.code !== 0) {
    throw new ImagesError(
      failure,
      `docker ${args[0]} failed:\n${tail(`${result.stdout}\n${result.stderr}`)}`,
    );
  }
  return result;
}
