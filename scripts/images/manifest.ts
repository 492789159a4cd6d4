// Reads images.manifest.json, the list of images the kit builds (shared with infra/).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ImagesError, ImagesErrorCode } from './errors.js';

// Not strict: infra/ reads the same file and may add fields of its own; those are ignored here.
const imageSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'an image name is lower-case kebab-case'),
  /** Build context, relative to the repository root. */
  context: z.string().min(1),
  /** Dockerfile, relative to the repository root. */
  dockerfile: z.string().min(1),
  /** Repository path without the registry host, e.g. `gateway-kit/gateway`. */
  repository: z
    .string()
    .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/, 'not a repository path'),
  port: z.number().int().min(1).max(65535),
  healthPath: z.string().startsWith('/'),
});
const manifestSchema = z.object({ images: z.array(imageSchema).min(1) });

export type ImageSpec = Readonly<z.infer<typeof imageSchema>>;

export function parseManifest(value: unknown, source: string): readonly ImageSpec[] {
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ImagesError(
      ImagesErrorCode.manifestInvalid,
      `${source}: ${issue.path.join('.')}: ${issue.message}`,
    );
  }
  const names = parsed.data.images.map((image) => image.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) {
    throw new ImagesError(ImagesErrorCode.manifestInvalid, `${source}: image "${duplicate}" is listed twice`);
  }
  return Object.freeze(parsed.data.images.map((image) => Object.freeze(image)));
}

export function readManifest(path: string): readonly ImageSpec[] {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ImagesError(ImagesErrorCode.manifestInvalid, `${path}: ${(error as Error).message}`);
  }
  return parseManifest(value, path);
}

/** The images named on the command line, in manifest order; every image when none is named. */
export function selectImages(images: readonly ImageSpec[], names: readonly string[]): ImageSpec[] {
  const unknown = names.filter((name) => !images.some((image) => image.name === name));
  if (unknown.length > 0) {
    const known = images.map((image) => image.name).join(', ');
    throw new ImagesError(
      ImagesErrorCode.usage,
      `unknown image ${unknown.join(', ')} (the manifest has ${known})`,
    );
  }
  return images.filter((image) => names.length === 0 || names.includes(image.name));
}
