// ServiceImages: the image ref of every deployed service, built in the stack or taken from CI digests.
import { join } from 'node:path';
import * as aws from '@pulumi/aws';
import * as dockerbuild from '@pulumi/docker-build';
import * as pulumi from '@pulumi/pulumi';
import type { ImagesConfig } from '../config-schema.js';
import type { ImageEntry } from '../image-manifest.js';
import { readLockFile, resolveCiImageRefs } from '../image-refs.js';
import { imageBuildArgs, registryHost } from './image-build.js';

export interface ServiceImagesArgs {
  images: ImagesConfig;
  /** Manifest entries of the images to deploy (the gateway and the chosen samples). */
  entries: readonly ImageEntry[];
  /** The repository root (manifest paths and the lock file are relative to it). */
  repoRoot: string;
  /** Create an ECR repository per image (EKS without images.registry). */
  useEcr: boolean;
  project: string;
  stack: string;
  buildSecrets: Readonly<Record<string, pulumi.Output<string>>>;
  registryPassword?: pulumi.Output<string>;
}

export class ServiceImages extends pulumi.ComponentResource {
  /** name → `repo@sha256:<digest>`; in ci mode plain strings, in inStack mode known after the push. */
  readonly refs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: ServiceImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('gateway-kit:index:ServiceImages', name, {}, opts);
    this.refs = args.images.mode === 'ci' ? this.fromCi(args) : this.buildInStack(name, args);
    this.registerOutputs({ refs: this.refs });
  }

  private fromCi(args: ServiceImagesArgs): Record<string, pulumi.Output<string>> {
    if (args.images.mode !== 'ci') throw new Error('unreachable');
    const lockPath = args.images.lockFile;
    const resolved = resolveCiImageRefs({
      project: args.project,
      names: args.entries.map((entry) => entry.name),
      images: args.images,
      lock: readLockFile(join(args.repoRoot, lockPath)),
      lockPath,
    });
    for (const warning of resolved.warnings) pulumi.log.warn(warning, this);
    return Object.fromEntries(
      Object.entries(resolved.refs).map(([image, ref]) => [image, pulumi.output(ref)]),
    );
  }

  private buildInStack(name: string, args: ServiceImagesArgs): Record<string, pulumi.Output<string>> {
    const images = args.images;
    if (images.mode !== 'inStack') throw new Error('unreachable');
    const parent = { parent: this };
    // One ECR login for all repositories: they live in the account's default registry.
    const ecrToken = args.useEcr ? aws.ecr.getAuthorizationTokenOutput({}, parent) : undefined;
    const refs: Record<string, pulumi.Output<string>> = {};
    for (const entry of args.entries) {
      let repositoryUrl: pulumi.Output<string>;
      let registry:
        | { address: pulumi.Input<string>; username: pulumi.Input<string>; password: pulumi.Input<string> }
        | undefined;
      if (args.useEcr && ecrToken) {
        const repository = new aws.ecr.Repository(
          `${name}-${entry.name}`,
          {
            // Per stack: ECR names are unique per account and region, and stacks must not share a cache tag.
            name: `${args.stack}/${entry.repository}`,
            // Tags move with each build; deployments pin the digest, so mutability cannot change what runs.
            imageTagMutability: 'MUTABLE',
            imageScanningConfiguration: { scanOnPush: true },
            encryptionConfigurations: [{ encryptionType: 'AES256' }],
          },
          parent,
        );
        repositoryUrl = repository.repositoryUrl;
        registry = {
          address: repositoryUrl.apply(registryHost),
          username: ecrToken.userName,
          password: pulumi.secret(ecrToken.password),
        };
      } else {
        repositoryUrl = pulumi.output(`${images.registry}/${entry.repository}`);
        registry =
          images.registryUsername && args.registryPassword
            ? {
                address: registryHost(`${images.registry}`),
                username: images.registryUsername,
                password: args.registryPassword,
              }
            : undefined;
      }
      const image = new dockerbuild.Image(
        `${name}-${entry.name}`,
        imageBuildArgs({
          entry,
          repositoryUrl,
          images,
          tag: images.tag ?? args.stack,
          repoRoot: args.repoRoot,
          cwd: process.cwd(),
          buildSecrets: args.buildSecrets,
          ...(registry ? { registry } : {}),
        }),
        parent,
      );
      // repo@digest, the same shape CI writes: the tag is for humans, the digest is what runs.
      refs[entry.name] = pulumi.interpolate`${repositoryUrl}@${image.digest}`;
    }
    return refs;
  }
}
