// `npm run e2e:deploy`: the real Pulumi CLI against a real Kubernetes control plane on loopback.
// Tier 1 (API server, no node): program loading, config, and server-side dry-run of every object.
// Tier 2 (a node): images, `pulumi up` with every Deployment ready, a call through the gateway, a
// no-op second `pulumi up`, and `pulumi destroy` leaving nothing. See docs/deploy.md.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNodeBaseImage } from '../images/testing/node-base-image.js';
import {
  apiGet,
  type ControlPlane,
  requireTools,
  startControlPlane,
  startEtcd,
  startNode,
} from './cluster.js';
import { newRelease, type Pulumi, stateSize, timedUp } from './figures.js';
import { exec, freePort, PhaseError, Run, waitFor } from './run.js';
import { createBridge, deleteBridge, startStore, storeUrls } from './store.js';
import { tierOne } from './tier-one.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cache =
  process.env.E2E_TOOLCHAIN_DIR ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'gateway-kit', 'e2e-toolchain');
const tools = join(cache, 'bin');
const workDir = process.env.E2E_WORK_DIR ?? join(cache, 'run');
const registry = process.env.E2E_REGISTRY ?? '127.0.0.1:5000';
const stack = 'e2e';
const fakeDigest = (n: number) => `sha256:${String(n).repeat(64)}`;

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

function pulumiCli(run: Run, plane: ControlPlane): Pulumi {
  const env = {
    PATH: `${tools}:${process.env.PATH}`,
    PULUMI_HOME: join(workDir, 'pulumi-home'),
    PULUMI_CONFIG_PASSPHRASE: 'e2e-passphrase',
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    KUBECONFIG: plane.kubeconfig,
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

/** Commands that operate on the e2e stack. */
const needsStack = (args: string[]) =>
  ['config', 'preview', 'up', 'destroy', 'refresh'].includes(args[0]!) ||
  (args[0] === 'stack' && ['export', 'output'].includes(args[1]!));

async function configure(
  pulumi: Pulumi,
  images: Record<string, string>,
  store: { databaseUrl: string; redisUrl: string },
): Promise<void> {
  await pulumi(['stack', 'init', stack, '--no-select']);
  await pulumi(['config', 'set', '--secret', 'adminToken', adminToken]);
  await pulumi(['config', 'set', '--secret', 'secretKey', 'e2e-secret-key-0123456789']);
  await pulumi(['config', 'set', '--secret', 'databaseUrl', store.databaseUrl]);
  await pulumi(['config', 'set', '--secret', 'redisUrl', store.redisUrl]);
  const set = (path: string, value: string) => pulumi(['config', 'set', '--path', path, value]);
  await set('store.mode', 'managed');
  await set('images.mode', 'ci');
  for (const [name, ref] of Object.entries(images)) await set(`images.${name}`, ref);
  await set('gateway.serviceType', 'ClusterIP');
  await pulumi(['config', 'set', '--path', 'gateway.autoscaling.enabled', 'false']);
  await pulumi(['config', 'set', '--path', 'gateway.replicas', '1']);
}

async function main(): Promise<number> {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(join(workDir, 'logs'), { recursive: true });
  const run = new Run(join(workDir, 'logs'));
  let bridgeCreated = false;
  process.stdout.write(`e2e:deploy — work dir ${workDir}, toolchain ${tools}\n`);
  const stop = () => void run.stopAll().then(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await run.phase('toolchain (scripts/e2e/toolchain.sh)', async () => {
      await exec(
        'bash',
        [join(repo, 'scripts/e2e/toolchain.sh'), 'debian', 'pause', 'pulumi', 'provider', 'kubernetes'],
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
        const { generatePki } = await import('./cluster.js');
        await generatePki(run, join(workDir, 'pki'));
        return startControlPlane(run, workDir, tools, etcdUrl);
      },
    );
    const pulumi = pulumiCli(run, plane);
    const placeholder = {
      gateway: `${registry}/gateway-kit/gateway@${fakeDigest(1)}`,
      echo: `${registry}/gateway-kit/echo@${fakeDigest(2)}`,
      'llm-mock': `${registry}/gateway-kit/llm-mock@${fakeDigest(3)}`,
    };
    await run.phase('pulumi login (file backend) and stack config', async () => {
      // The file backend refuses a directory that does not exist ("unable to open bucket … no such file").
      mkdirSync(join(workDir, 'state'), { recursive: true });
      await pulumi(['login', `file://${join(workDir, 'state')}`]);
      await configure(pulumi, placeholder, storeUrls);
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
    if (nodeReady) await tierTwo(run, plane, pulumi);
    else run.skip('tier 2: pulumi up / call / destroy', 'no Ready node (see the node phase)');
    return run.results.some((r) => r.outcome === 'failed') ? 1 : 0;
  } catch {
    return 1;
  } finally {
    await run.stopAll();
    if (bridgeCreated) await deleteBridge(run);
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

async function tierTwo(run: Run, plane: ControlPlane, pulumi: Pulumi): Promise<void> {
  const lock = join(workDir, 'images.lock.json');
  const images = await run.phase('images: npm run images -- build --push (local registry)', async () => {
    // No Docker Hub here: the base image is the pipeline tests' local stand-in for node:22-bookworm-slim
    // (or E2E_BASE_IMAGE), and npm inside the build may need this machine's CA bundle.
    const base = process.env.E2E_BASE_IMAGE ?? (await ensureNodeBaseImage('docker'));
    const ca = '/etc/ssl/certs/ca-certificates.crt';
    await exec(
      'npm',
      [
        'run',
        'images',
        '--',
        'build',
        '--push',
        '--registry',
        registry,
        '--lock-file',
        lock,
        '--base-image',
        base,
        ...(existsSync(ca) ? ['--secret', `id=ca_certs,src=${ca}`] : []),
      ],
      { cwd: repo, log: run.logFile('images') },
    );
    // On disk the lock file is name → { repository, digest, … } (scripts/images/lock-file.ts).
    const parsed = JSON.parse(readFileSync(lock, 'utf8')) as Record<
      string,
      { repository: string; digest: string }
    >;
    return Object.fromEntries(
      Object.entries(parsed).map(([name, e]) => [name, `${e.repository}@${e.digest}`]),
    );
  });
  await run.phase('pulumi up (images.mode=ci, cold): every Deployment ready', async () => {
    for (const [name, ref] of Object.entries(images))
      await pulumi(['config', 'set', '--path', `images.${name}`, ref]);
    await timedUp(run, pulumi, 'ci: cold pulumi up');
  });
  await run.phase('a call through the gateway Service returns 200 from echo', () =>
    callThroughGateway(run, plane),
  );
  await run.phase('second pulumi up is a no-op', async () => {
    await timedUp(run, pulumi, 'ci: no-change pulumi up', ['--expect-no-changes']);
  });
  await run.phase('one-service change: a new echo digest rolls only echo', async () => {
    const release = await newRelease(run, workDir, images.echo!);
    await pulumi(['config', 'set', '--path', 'images.echo', release]);
    const counts = await timedUp(run, pulumi, 'ci: one-service change (echo) pulumi up');
    if (counts.updated !== 1 || counts.created || counts.deleted || counts.replaced)
      throw new PhaseError(
        `expected exactly one update (the echo Deployment), got ${JSON.stringify(counts)}`,
        [run.logFile('pulumi')],
      );
    const deployment = JSON.parse(
      await apiGet(run, plane, '/apis/apps/v1/namespaces/gateway-kit/deployments/echo'),
    ) as { spec: { template: { spec: { containers: { image: string }[] } } } };
    const image = deployment.spec.template.spec.containers[0]?.image;
    if (image !== release) throw new PhaseError(`echo runs ${image}, expected ${release}`);
  });
  await run.phase('state size', () => stateSize(run, pulumi, 'ci: state (pulumi stack export)'));
  await run.phase('pulumi destroy leaves nothing', async () => {
    await pulumi(['destroy', '--yes']);
    const namespaces = JSON.parse(await apiGet(run, plane, '/api/v1/namespaces')) as {
      items: { metadata: { name: string } }[];
    };
    if (namespaces.items.some((n) => n.metadata.name === 'gateway-kit'))
      throw new PhaseError('namespace gateway-kit is still there after destroy', [run.logFile('pulumi')]);
  });
}

const adminToken = 'e2e-admin-token-0123456789';

/** Seeds an anonymous API on echo through the admin API, over `kubectl port-forward svc/gateway`. */
async function callThroughGateway(run: Run, plane: ControlPlane): Promise<void> {
  // The node tier runs neither cluster DNS nor kube-proxy: the upstream is the echo pod's IP and port.
  const pods = JSON.parse(
    await apiGet(
      run,
      plane,
      '/api/v1/namespaces/gateway-kit/pods?labelSelector=app.kubernetes.io%2Fname%3Decho',
    ),
  ) as { items: { status: { podIP?: string } }[] };
  const echoIp = pods.items[0]?.status.podIP;
  if (!echoIp) throw new PhaseError('no echo pod with an IP', [run.logFile('kubelet')]);
  const echoUrl = `http://${echoIp}:9000`;
  const port = await freePort();
  run.start('port-forward', join(tools, 'kubectl'), [
    `--kubeconfig=${plane.kubeconfig}`,
    '--namespace=gateway-kit',
    'port-forward',
    'service/gateway',
    `${port}:80`,
  ]);
  const base = `http://127.0.0.1:${port}`;
  await waitFor(
    'kubectl port-forward to the gateway Service',
    60_000,
    async () => (await fetch(`${base}/readyz`)).ok || undefined,
    [run.logFile('port-forward')],
  );
  const admin = async (path: string, body: object): Promise<{ id: string }> => {
    const response = await fetch(`${base}/admin/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new PhaseError(`POST /admin/v1${path} → ${response.status}: ${text}`);
    return JSON.parse(text) as { id: string };
  };
  const tenant = await admin('/tenants', { name: 'e2e' });
  const api = await admin('/apis', {
    tenantId: tenant.id,
    name: 'Echo',
    basePath: '/e2e-echo',
    auth: 'none',
    visibility: 'public',
    targets: [{ url: echoUrl }],
  });
  await admin(`/apis/${api.id}/publish`, {});
  const answer = await waitFor('GET /e2e-echo/hello → 200 (config poll)', 30_000, async () => {
    const response = await fetch(`${base}/e2e-echo/hello`);
    return response.status === 200 ? response.text() : undefined;
  });
  process.stdout.write(`  GET /e2e-echo/hello → 200 from ${echoUrl}: ${answer.slice(0, 120)}\n`);
}

process.exitCode = await main();
