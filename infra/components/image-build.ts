// Pure: the @pulumi/docker-build arguments for one manifest image (inStack mode).
import { relative } from 'node:path';
import type * as dockerbuild from '@pulumi/docker-build';
import { CacheMode } from '@pulumi/docker-build';
import * as pulumi from '@pulumi/pulumi';
import type { InStackImagesConfig } from '../config-schema.js';
import type { ImageEntry } from '../image-manifest.js';
import { sortKeys } from './manifests/common.js';

export const cacheTag = 'buildcache';

/**
 * `push` that stays unknown while the repository URL is unknown. On the first preview of a stack that also
 * creates the repository, the tags are unknown; docker-build drops unknown inputs during preview, and with
 * `push: true` and no tags left its check fails ("at least one tag … is needed when pushing",
 * pulumi-docker-build #251/#252). An unknown `push` is dropped the same way, so preview builds without
 * pushing; once the URL is known (every later preview, and every update) push is plainly true, which keeps
 * previews free of a false `push` diff (the `push: !isDryRun()` workaround would show one every time).
 */
export function pushWhenKnown(repositoryUrl: pulumi.Input<string>): pulumi.Output<boolean> {
  return pulumi.output(repositoryUrl).apply(() => true);
}

export type ImageBuildInput = {
  entry: ImageEntry;
  /** `<registry>/<repository>` without a tag. */
  repositoryUrl: pulumi.Input<string>;
  images: InStackImagesConfig;
  /** The tag pushed beside the digest (the stack name by default). */
  tag: string;
  /** Where paths in the manifest are relative to (the repository root). */
  repoRoot: string;
  /** The directory Pulumi runs the program from; build paths are written relative to it (stable across machines). */
  cwd: string;
  buildSecrets: Readonly<Record<string, pulumi.Input<string>>>;
  registry?: {
    address: pulumi.Input<string>;
    username: pulumi.Input<string>;
    password: pulumi.Input<string>;
  };
};

export function imageBuildArgs(input: ImageBuildInput): dockerbuild.ImageArgs {
  const { entry, repositoryUrl, images, tag, repoRoot, cwd } = input;
  const local = (path: string) => relative(cwd, `${repoRoot}/${path}`) || '.';
  const cacheRef = pulumi.interpolate`${repositoryUrl}:${cacheTag}`;
  return {
    context: { location: local(entry.context) },
    dockerfile: { location: local(entry.dockerfile) },
    platforms: [...images.platforms],
    buildArgs: sortKeys({ ...images.buildArgs }),
    // BuildKit secrets: mounted for one RUN step, never in a layer, never a build arg.
    secrets: sortKeys({ ...input.buildSecrets }),
    tags: [pulumi.interpolate`${repositoryUrl}:${tag}`],
    push: pushWhenKnown(repositoryUrl),
    buildOnPreview: true,
    cacheFrom: images.cache ? [{ registry: { ref: cacheRef } }] : [],
    // imageManifest + ociMediaTypes: the cache format ECR (and most registries) accept.
    cacheTo: images.cache
      ? [{ registry: { ref: cacheRef, mode: CacheMode.Max, imageManifest: true, ociMediaTypes: true } }]
      : [],
    // Only when set: an input the stack never had would show as a diff on every existing stack.
    ...(images.network ? { network: images.network } : {}),
    registries: input.registry ? [input.registry] : [],
    labels: { 'org.opencontainers.image.title': entry.name },
  };
}

/** The host part of a repository URL (`123.dkr.ecr.eu-west-1.amazonaws.com/x/y` → the registry). */
export function registryHost(repositoryUrl: string): string {
  return repositoryUrl.split('/')[0]!;
}
