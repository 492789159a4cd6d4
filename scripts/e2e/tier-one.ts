// Tier 1: the real CLI, language host and Kubernetes provider against an API server without a node.
// A preview alone cannot dry-run namespaced objects while their namespace does not exist (the provider
// then previews them client-side), so the namespace is created first and the second preview has the API
// server validate and admit every object (server-side apply, dryRun=All).
import type { Pulumi } from './figures.js';
import { PhaseError, type Run } from './run.js';

/** Warnings every run here prints, about the toolchain rather than the program (docs/deploy.md). */
const toolchainWarnings = [
  /using pulumi-resource-kubernetes from \$PATH/,
  /resource plugin kubernetes is expected to have version >=[\d.]+, but has [\d.]+/,
];

/** The program's own warnings in a CLI output; the program is expected to have none. */
export function programWarnings(output: string): string[] {
  const lines = output.split('\n').filter((line) => /\bwarning: /.test(line));
  const messages = new Set(lines.map((line) => line.slice(line.indexOf('warning: ')).trim()));
  return [...messages].filter((message) => !toolchainWarnings.some((known) => known.test(message)));
}

type PreviewStep = { op: string; urn: string; newState?: { type: string; custom?: boolean } };

export async function tierOne(run: Run, pulumi: Pulumi): Promise<void> {
  const steps = await run.phase('tier 1: pulumi preview (the real CLI loads the program)', async () => {
    const text = await pulumi(['preview', '--diff']);
    const warnings = programWarnings(text);
    if (warnings.length > 0)
      throw new PhaseError(`the program warns under the real CLI:\n  ${warnings.join('\n  ')}`, [
        run.logFile('pulumi'),
      ]);
    const json = JSON.parse(await pulumi(['preview', '--json'])) as { steps: PreviewStep[] };
    process.stdout.write(`  preview: ${json.steps.filter((s) => s.op === 'create').length} to create\n`);
    return json.steps;
  });
  await run.phase(
    'tier 1: the namespace created (pulumi up --target, with its parent components)',
    async () => {
      const namespace = steps.find((s) => s.newState?.type === 'kubernetes:core/v1:Namespace');
      if (!namespace) throw new PhaseError('the preview has no Namespace', [run.logFile('pulumi')]);
      // The engine refuses a target whose parent or dependency is not targeted: the components come along.
      const components = steps.filter(
        (s) => s.newState && !s.newState.custom && s.newState.type !== 'pulumi:pulumi:Stack',
      );
      const targets = [namespace, ...components].flatMap((s) => ['--target', s.urn]);
      await pulumi(['up', '--yes', '--skip-preview', ...targets]);
    },
  );
  await run.phase('tier 1: pulumi preview, every object dry-run by the API server', async () => {
    const text = await pulumi(['preview', '--diff']);
    const creates = /(\d+) to create/.exec(text)?.[1];
    process.stdout.write(`  preview: ${creates ?? '?'} to create, each accepted by a server-side dry-run\n`);
  });
}
