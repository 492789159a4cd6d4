// Reads the image manifest shared with the image pipeline (images.manifest.json at the repo root).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { InfraError, InfraErrorCode } from './errors.js';

/** The repository root: the manifest, the lock file and the build contexts are relative to it. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const manifestPath = join(repoRoot, 'images.manifest.json');

// Not strict: the manifest belongs to the image pipeline too, which may add fields this program ignores.
const imageEntrySchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'an image name is lower-case kebab-case'),
  context: z.string().min(1),
  dockerfile: z.string().min(1),
  repository: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  healthPath: z.string().startsWith('/'),
});
const manifestSchema = z.object({ images: z.array(imageEntrySchema).min(1) });

export type ImageEntry = z.infer<typeof imageEntrySchema>;
export type ImageManifest = { readonly images: readonly ImageEntry[] };

/** The image the platform cannot run without; every other manifest entry is a sample service. */
export const gatewayImageName = 'gateway';

export function parseImageManifest(value: unknown, source = 'images.manifest.json'): ImageManifest {
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InfraError(InfraErrorCode.fileInvalid, `${source} ${issue.path.join('.')}`, issue.message);
  }
  const names = parsed.data.images.map((image) => image.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate)
    throw new InfraError(InfraErrorCode.fileInvalid, source, `image "${duplicate}" is listed twice`);
  if (!names.includes(gatewayImageName)) {
    throw new InfraError(InfraErrorCode.fileInvalid, source, `no "${gatewayImageName}" image`);
  }
  return Object.freeze({ images: Object.freeze(parsed.data.images.map((image) => Object.freeze(image))) });
}

export function readImageManifest(path = manifestPath): ImageManifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InfraError(InfraErrorCode.fileInvalid, path, `cannot be read (${(error as Error).message})`);
  }
  try {
    return parseImageManifest(JSON.parse(text), path);
  } catch (error) {
    if (error instanceof InfraError) throw error;
    throw new InfraError(InfraErrorCode.fileInvalid, path, `is not JSON (${(error as Error).message})`);
  }
}

/** Names of the sample services: every manifest image but the gateway. */
export function sampleServiceNames(manifest: ImageManifest): string[] {
  return manifest.images.map((image) => image.name).filter((name) => name !== gatewayImageName);
}
