// Shared k6 set-up: targets.json (the same file the local benchmark reads) and the run's __ENV values.
import type { Targets } from '../../bench/targets-schema.ts';

export type { Targets };

/** Parses the text of targets.json, which each script open()s at init (open only works there). */
export function parseTargets(text: string): Targets {
  const targets = JSON.parse(text) as Targets;
  if (!targets.scenarios || !targets.throughput)
    throw new Error('targets.json: missing scenarios or throughput');
  return targets;
}

/** A required __ENV value; a missing one stops the run at init with a line naming it. */
export function requireEnv(name: string): string {
  const value = __ENV[name];
  if (!value) throw new Error(`missing environment variable ${name} (k6 run -e ${name}=...)`);
  return value;
}

/** API_KEY: a key of an app with an approved subscription to the API under API_PATH. */
export function apiKey(): string {
  return requireEnv('API_KEY');
}

export function optionalEnv(name: string, fallback: string): string {
  return __ENV[name] || fallback;
}

/** BASE_URL without a trailing slash, so `${base}${path}` never doubles it. */
export function baseUrl(): string {
  return requireEnv('BASE_URL').replace(/\/+$/, '');
}

/** DURATION overrides a scenario's duration (e.g. -e DURATION=10s for a short trial). */
export function duration(seconds: number): string {
  return optionalEnv('DURATION', `${seconds}s`);
}
