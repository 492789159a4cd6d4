// Loads loadtest/targets.json once, validated (unknown keys rejected) and frozen, for the local benchmark.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Targets, targetsSchema } from './targets-schema.js';

export type { Targets };

export const targetsPath = fileURLToPath(new URL('../targets.json', import.meta.url));

/** Parses a targets document; throws one line naming the first bad field. */
export function parseTargets(raw: unknown): Targets {
  const parsed = targetsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`targets.json: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return Object.freeze(parsed.data);
}

export function loadTargets(path = targetsPath): Targets {
  return parseTargets(JSON.parse(readFileSync(path, 'utf8')));
}
