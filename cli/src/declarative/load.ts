// Reads declarative files (a file, or every .yaml/.yml/.json in a folder), validates each one whole and
// merges them; every problem is reported with its file and path, and nothing is returned when any exists.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { z } from 'zod';
import { CliError, exitCodes } from '../errors.js';
import { type Document, documentSchema, FORMAT_VERSION } from './schema.js';

export function filesIn(path: string): string[] {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch {
    throw new CliError(`${path}: no such file or folder`, exitCodes.usage);
  }
  if (!stat.isDirectory()) return [path];
  const files = readdirSync(path)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => join(path, f));
  if (files.length === 0) throw new CliError(`${path}: holds no .yaml, .yml or .json file`, exitCodes.usage);
  return files;
}

/** `apis[2].targets[0].url` from zod's path. */
export function pathOf(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

export function issuesOf(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((i) => `${prefix}${pathOf(i.path) || '(document)'}: ${i.message}`);
}

export function loadDocuments(path: string): Document {
  const merged: Document = {
    version: FORMAT_VERSION,
    tenants: [],
    aiProviders: [],
    aiModels: [],
    apis: [],
    apps: [],
    webhooks: [],
  };
  const problems: string[] = [];
  for (const file of filesIn(path)) {
    const text = readFileSync(file, 'utf8');
    for (const [n, raw] of parseFile(file, text, problems).entries()) {
      const where = `${file}${n > 0 ? ` (document ${n + 1})` : ''}: `;
      const parsed = documentSchema.safeParse(raw);
      if (!parsed.success) {
        problems.push(...issuesOf(parsed.error, where));
        continue;
      }
      for (const k of ['tenants', 'aiProviders', 'aiModels', 'apis', 'apps', 'webhooks'] as const)
        (merged[k] as unknown[]).push(...parsed.data[k]);
    }
  }
  if (problems.length) throw new CliError(problems.join('\n'), exitCodes.usage);
  return merged;
}

function parseFile(file: string, text: string, problems: string[]): unknown[] {
  if (file.endsWith('.json')) {
    try {
      return [JSON.parse(text)];
    } catch (err) {
      problems.push(`${file}: ${(err as Error).message}`);
      return [];
    }
  }
  const docs = parseAllDocuments(text);
  const out: unknown[] = [];
  for (const d of Array.isArray(docs) ? docs : [docs]) {
    if (d.errors.length) {
      problems.push(...d.errors.map((e) => `${file}: ${e.message.split('\n')[0]}`));
      continue;
    }
    if (d.contents !== null) out.push(d.toJS());
  }
  return out;
}
