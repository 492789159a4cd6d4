// What the e2e run measures for docs/integrated-vs-decoupled.md: timed `pulumi up` runs with the
// engine's own change counts, the stack's state size, and a new release of one service.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { exec, PhaseError, type Run } from './run.js';

export type Pulumi = (args: string[], input?: string) => Promise<string>;

/** The counts of the engine's "Resources:" block (`+ 3 created`, `~ 1 updated`, `12 unchanged`). */
export function changeCounts(output: string): Record<string, number> {
  const block = output.slice(output.lastIndexOf('Resources:'));
  const counts: Record<string, number> = {};
  for (const match of block.matchAll(/^\s+(?:[-+~]|\+-)?\s*(\d+) (\w+)/gm))
    counts[match[2]!] = Number(match[1]);
  return counts;
}

const describe = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([what, n]) => `${n} ${what}`)
    .join(', ');

/** `pulumi up --yes` timed; the figure names the engine's counts beside the duration. */
export async function timedUp(
  run: Run,
  pulumi: Pulumi,
  label: string,
  extra: string[] = [],
): Promise<Record<string, number>> {
  const started = performance.now();
  const output = await pulumi(['up', '--yes', '--skip-preview', ...extra]);
  const seconds = (performance.now() - started) / 1000;
  const counts = changeCounts(output);
  run.figure(label, `${seconds.toFixed(1)} s (${describe(counts)})`);
  return counts;
}

/** The checkpoint as `pulumi stack export` writes it: its size and resource count. */
export async function stateSize(run: Run, pulumi: Pulumi, label: string): Promise<void> {
  const state = await pulumi(['stack', 'export']);
  const resources = (JSON.parse(state) as { deployment: { resources?: unknown[] } }).deployment.resources;
  run.figure(
    label,
    `${(Buffer.byteLength(state) / 1024).toFixed(1)} KiB, ${resources?.length ?? 0} resources`,
  );
}

/**
 * A new release of one service without touching the repository: the deployed image plus one label,
 * pushed as a new digest (what CI's lock file would carry after a change to that service).
 */
export async function newRelease(run: Run, workDir: string, ref: string): Promise<string> {
  const log = run.logFile('release');
  const repository = ref.split('@')[0]!;
  const tag = `${repository}:e2e-release`;
  const context = join(workDir, 'release');
  mkdirSync(context, { recursive: true });
  await exec('docker', ['pull', ref], { log });
  await exec('docker', ['build', '--network', 'host', '-t', tag, '-f', '-', context], {
    log,
    input: `FROM ${ref}\nLABEL org.opencontainers.image.revision=e2e-${Date.now()}\n`,
  });
  const pushed = await exec('docker', ['push', tag], { log });
  const digest = /digest: (sha256:[0-9a-f]{64})/.exec(pushed)?.[1];
  if (!digest) throw new PhaseError(`docker push ${tag} reported no digest`, [log]);
  return `${repository}@${digest}`;
}
