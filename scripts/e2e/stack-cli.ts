// The Pulumi CLI as the e2e driver runs it: the toolchain's binaries, a file backend in the work dir, and
// a project whose `main` points at infra/ so no stack file lands in the repository.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ControlPlane } from './cluster.js';
import type { Pulumi } from './figures.js';
import { exec, type Run } from './run.js';
import { storeUrls } from './store.js';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const cache =
  process.env.E2E_TOOLCHAIN_DIR ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'gateway-kit', 'e2e-toolchain');
export const tools = join(cache, 'bin');
export const workDir = process.env.E2E_WORK_DIR ?? join(cache, 'run');
export const registry = process.env.E2E_REGISTRY ?? '127.0.0.1:5000';
export const adminToken = 'e2e-admin-token-0123456789';

/**
 * The project lives in the work dir with `main` pointing at infra/, so the stack's config file (and the
 * passphrase salt `stack init` writes into it) never lands in the repository.
 */
function writeProject(): string {
  const dir = join(workDir, 'project');
  mkdirSync(dir, { recursive: true });
  const project = readFileSync(join(repo, 'infra', 'Pulumi.yaml'), 'utf8');
  writeFileSync(
    join(dir, 'Pulumi.yaml'),
    `${project.trimEnd()}\nmain: ${relative(dir, join(repo, 'infra'))}\n`,
  );
  return dir;
}

/** The CLI for one stack of the e2e project (the ci tier's `e2e`, the inStack tier's `e2e-instack`). */
export function pulumiCli(run: Run, plane: ControlPlane, stack: string): Pulumi {
  const env = {
    PATH: `${tools}:${process.env.PATH}`,
    PULUMI_HOME: join(workDir, 'pulumi-home'),
    PULUMI_CONFIG_PASSPHRASE: 'e2e-passphrase',
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    KUBECONFIG: plane.kubeconfig,
    // The inStack tier's builder (scripts/e2e/buildkit.ts), not the machine's ~/.docker.
    DOCKER_CONFIG: join(workDir, 'docker-config'),
  };
  const cwd = writeProject();
  return (args, input) =>
    exec(
      join(tools, 'pulumi'),
      [...args, '--non-interactive', ...(needsStack(args) ? ['--stack', stack] : [])],
      {
        cwd,
        env,
        log: run.logFile('pulumi'),
        ...(input === undefined ? {} : { input }),
      },
    );
}

/** Commands that operate on a stack. */
const needsStack = (args: string[]) =>
  ['config', 'preview', 'up', 'destroy', 'refresh'].includes(args[0]!) ||
  (args[0] === 'stack' && ['export', 'output'].includes(args[1]!));

/** A new stack on the bare cluster; `images` is the images.* config ([path, value] pairs). */
export async function configure(pulumi: Pulumi, stack: string, images: [string, string][]): Promise<void> {
  const store = storeUrls;
  await pulumi(['stack', 'init', stack, '--no-select']);
  await pulumi(['config', 'set', '--secret', 'adminToken', adminToken]);
  await pulumi(['config', 'set', '--secret', 'secretKey', 'e2e-secret-key-0123456789']);
  await pulumi(['config', 'set', '--secret', 'databaseUrl', store.databaseUrl]);
  await pulumi(['config', 'set', '--secret', 'redisUrl', store.redisUrl]);
  const set = (path: string, value: string) => pulumi(['config', 'set', '--path', path, value]);
  await set('store.mode', 'managed');
  for (const [path, value] of images) await set(path, value);
  await set('gateway.serviceType', 'ClusterIP');
  await pulumi(['config', 'set', '--path', 'gateway.autoscaling.enabled', 'false']);
  await pulumi(['config', 'set', '--path', 'gateway.replicas', '1']);
}
