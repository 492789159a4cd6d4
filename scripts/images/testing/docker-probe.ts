// Test guard: is a Docker engine that builds with BuildKit, and a registry, reachable? CI must have both.
import { type Engine, findEngine } from '../docker-engine.js';

export type DockerProbe =
  | { readonly ok: true; readonly engine: Engine; readonly registry: string }
  | { readonly ok: false; readonly reason: string };

export async function probeDocker(): Promise<DockerProbe> {
  const registry = process.env.TEST_REGISTRY ?? '127.0.0.1:5000';
  let engine: Engine;
  try {
    engine = await findEngine();
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  try {
    const response = await fetch(`http://${registry}/v2/`, { signal: AbortSignal.timeout(3000) });
    if (response.status !== 200)
      return { ok: false, reason: `registry ${registry} answered ${response.status}` };
  } catch (error) {
    return { ok: false, reason: `registry ${registry} unreachable (${(error as Error).message})` };
  }
  return { ok: true, engine, registry };
}

/** Locally a missing engine skips the Docker tests (with a notice); under CI=true it fails them. */
export function dockerTestsEnabled(probe: DockerProbe): boolean {
  if (probe.ok || process.env.CI) return true;
  console.warn(`image pipeline tests skipped: ${probe.reason} (they fail instead under CI=true)`);
  return false;
}
