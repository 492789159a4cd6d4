// `npm run e2e:deploy`: the real Pulumi CLI against a real Kubernetes control plane on loopback.
// Tier 1 (API server, no node): program loading, config, and server-side dry-run of every object.
// Tier 2 (a node): images, `pulumi up` with every Deployment ready, a call through the gateway, a
// no-op second `pulumi up`, a one-service release and `pulumi destroy` leaving nothing, once with CI
// digests and once with images built in the stack. See docs/deploy.md.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  generatePki,
  removeNodeLeftovers,
  requireTools,
  startControlPlane,
  startEtcd,
  startNode,
} from './cluster.js';
import { inStackTier } from './in-stack.js';
import { exec, Run } from './run.js';
import { cache, configure, pulumiCli, registry, repo, tools, workDir } from './stack-cli.js';
import { createBridge, deleteBridge, startStore } from './store.js';
import { tierOne } from './tier-one.js';
import { tierTwo } from './tier-two.js';

const fakeDigest = (n: number) => `sha256:${String(n).repeat(64)}`;

async function main(): Promise<number> {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(join(workDir, 'logs'), { recursive: true });
  const run = new Run(join(workDir, 'logs'));
  let bridgeCreated = false;
  process.stdout.write(`e2e:deploy — work dir ${workDir}, toolchain ${tools}\n`);
  const cleanUp = async () => {
    await run.stopAll();
    if (!bridgeCreated) return;
    await removeNodeLeftovers(run, workDir);
    await deleteBridge(run);
  };
  const stop = () => void cleanUp().then(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await run.phase('toolchain (scripts/e2e/toolchain.sh)', async () => {
      await exec(
        'bash',
        [
          join(repo, 'scripts/e2e/toolchain.sh'),
          ...['debian', 'pause', 'pulumi', 'provider', 'kubernetes', 'docker-build', 'buildkit'],
        ],
        {
          env: { E2E_TOOLCHAIN_DIR: cache },
          log: run.logFile('toolchain'),
        },
      );
      requireTools(tools, [
        'etcd',
        'kube-apiserver',
        'kube-controller-manager',
        'kube-scheduler',
        'pulumi',
        'pulumi-language-nodejs',
        'pulumi-resource-kubernetes',
      ]);
    });
    const etcdUrl = await run.phase('etcd', () => startEtcd(run, workDir, tools));
    const plane = await run.phase(
      'control plane (kube-apiserver, controller-manager, scheduler)',
      async () => {
        await generatePki(run, join(workDir, 'pki'));
        return startControlPlane(run, workDir, tools, etcdUrl);
      },
    );
    const pulumi = pulumiCli(run, plane, 'e2e');
    // Tier 1 deploys no pod: well-formed digests that exist nowhere do.
    const placeholder: [string, string][] = [
      ['images.mode', 'ci'],
      ...['gateway', 'echo', 'llm-mock'].map((name, n): [string, string] => [
        `images.${name}`,
        `${registry}/gateway-kit/${name}@${fakeDigest(n + 1)}`,
      ]),
    ];
    await run.phase('pulumi login (file backend) and stack config', async () => {
      // The file backend refuses a directory that does not exist ("unable to open bucket … no such file").
      mkdirSync(join(workDir, 'state'), { recursive: true });
      await pulumi(['login', `file://${join(workDir, 'state')}`]);
      await configure(pulumi, 'e2e', placeholder);
    });
    await tierOne(run, pulumi);

    let nodeReady = false;
    try {
      await run.phase('tier 2: node (pause image, containerd, CNI bridge, kubelet)', async () => {
        requireTools(tools, ['kubelet', 'containerd', 'pause']);
        const pauseImage = `${registry}/gateway-kit-e2e/pause:3.10`;
        await buildPause(run, pauseImage);
        await createBridge(run);
        bridgeCreated = true;
        await startStore(run, workDir);
        await startNode(run, workDir, plane, pauseImage);
      });
      nodeReady = true;
    } catch {
      // Reported by the phase; tier 1 stands on its own.
    }
    if (!nodeReady) run.skip('tier 2: pulumi up / call / destroy', 'no Ready node (see the node phase)');
    else {
      // Each mode has its own stack and namespace: a failure in one still lets the other run.
      await tierTwo(run, plane, pulumi).catch(() => undefined);
      const missing = ['pulumi-resource-docker-build', 'buildkitd'].filter(
        (name) => !existsSync(join(tools, name)),
      );
      if (missing.length === 0) await inStackTier(run, plane).catch(() => undefined);
      else run.skip('tier 2, images.mode=inStack', `not in the toolchain: ${missing.join(', ')}`);
    }
    return run.results.some((r) => r.outcome === 'failed') ? 1 : 0;
  } catch {
    return 1;
  } finally {
    await cleanUp();
    process.stdout.write(`\nsummary (logs in ${run.logDir}):\n${run.summary()}\n`);
  }
}

async function buildPause(run: Run, image: string): Promise<void> {
  const context = join(workDir, 'pause');
  mkdirSync(context, { recursive: true });
  await exec('cp', [join(tools, 'pause'), join(context, 'pause')], { log: run.logFile('pause') });
  await exec('docker', ['build', '--network', 'host', '-t', image, '-f', '-', context], {
    log: run.logFile('pause'),
    input: 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n',
  });
  await exec('docker', ['push', image], { log: run.logFile('pause') });
}

process.exitCode = await main();
