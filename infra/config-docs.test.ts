// docs/deploy.md stays in step with the stack config schema: every key the schema accepts is documented, and
// every key the docs' tables name is one the schema accepts (a renamed or dropped key fails here).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { z } from 'zod';
import { stackConfigSchema } from './config-schema.js';
import { readImageManifest, repoRoot } from './image-manifest.js';

const manifest = readImageManifest();
const imageNames = new Set(manifest.images.map((i) => i.name));

type Def = { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType>; options?: z.ZodType[] };
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The objects a schema may be: defaults and optionals unwrapped, each option of a union. */
function objectShapes(schema: z.ZodType): Record<string, z.ZodType>[] {
  const def = defOf(schema);
  if (def.innerType) return objectShapes(def.innerType);
  if (def.type === 'object') return [def.shape!];
  if (def.type === 'union') return def.options!.flatMap(objectShapes);
  return [];
}

/** Top-level keys, and `section.key` for the keys of the object sections (whole values below that). */
function schemaKeys(): string[] {
  const keys = new Set<string>();
  for (const [top, schema] of Object.entries(objectShapes(stackConfigSchema(manifest))[0]!)) {
    keys.add(top);
    // images.<name>: one key per image of the manifest, documented once as a pattern.
    for (const shape of objectShapes(schema))
      for (const sub of Object.keys(shape))
        keys.add(top === 'images' && imageNames.has(sub) ? 'images.<name>' : `${top}.${sub}`);
  }
  return [...keys].sort();
}

const keyLike = /^[a-z][A-Za-z]*(\.([a-z][A-Za-z]*|<name>))?$/;
const configSet = /pulumi config set (?:--secret )?(?:--path )?'?([a-zA-Z.]+[a-zA-Z])(?![:\w])/g;
/** The docs' spelling of a key: `images.gateway` is the `images.<name>` pattern, a build secret's id is free. */
const normal = (k: string) =>
  /^images\.(.+)$/.exec(k) && imageNames.has(k.slice('images.'.length))
    ? 'images.<name>'
    : k.startsWith('buildSecrets.')
      ? 'buildSecrets'
      : k;

/** Keys named anywhere in the docs: in code spans and in `pulumi config set` commands. */
function mentionedKeys(doc: string): Set<string> {
  const keys = new Set<string>();
  for (const [, k] of doc.matchAll(/`([^`\n]+)`/g)) if (keyLike.test(k!)) keys.add(normal(k!));
  for (const [, k] of doc.matchAll(configSet)) keys.add(normal(k!));
  // A section is documented by its keys (`cluster.mode`, …).
  for (const k of [...keys]) if (k.includes('.')) keys.add(k.split('.')[0]!);
  return keys;
}

/** Keys the docs define: first column of the `| key |` tables, and the keys `pulumi config set` is shown with. */
function definedKeys(doc: string): string[] {
  const keys = new Set<string>();
  let inKeyTable = false;
  for (const line of doc.split('\n')) {
    if (!line.startsWith('|')) inKeyTable = false;
    else if (/^\|\s*key\s*\|/.test(line)) inKeyTable = true;
    else if (inKeyTable)
      for (const [, k] of line.split('|')[1]!.matchAll(/`([^`]+)`/g))
        if (keyLike.test(k!)) keys.add(normal(k!));
    for (const [, k] of line.matchAll(configSet)) keys.add(normal(k!));
  }
  return [...keys].sort();
}

const doc = readFileSync(join(repoRoot, 'docs', 'deploy.md'), 'utf8');

it('docs/deploy.md documents every stack config key', () => {
  const documented = mentionedKeys(doc);
  expect(schemaKeys().filter((k) => !documented.has(k))).toEqual([]);
});

it('docs/deploy.md names no key the stack config refuses', () => {
  const accepted = new Set(schemaKeys());
  expect(definedKeys(doc).filter((k) => !accepted.has(k))).toEqual([]);
});
