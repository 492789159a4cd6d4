// Tier 2 with CI digests (images.mode=ci): the images built and pushed by the pipeline, `pulumi up` until
// every Deployment is ready, a call through the gateway, a no-op second run, a one-service release, destroy.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNodeBaseImage } from '../images/testing/node-base-image.js';
import { apiGet, type ControlPlane } from './cluster.js';
import { newRelease, type Pulumi, stateSize, timedUp } from './figures.js';
import { exec, freePort, PhaseError, type Run, waitFor } from './run.js';
import { adminToken, registry, repo, tools, workDir } from './stack-cli.js';

export async function tierTwo(run: Run, plane: ControlPlane, pulumi: Pulumi): Promise<void> {
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
  const reach = await run.phase('a call through the gateway Service returns 200 from echo', () =>
    callThroughGateway(run, plane),
  );
  await run.phase(
    "gateway objects: pulumi up declares the samples' tenant, API, plans, app and subscription; a keyed call passes",
    () => declareGatewayObjects(run, pulumi, reach),
  );
  // Also covers the gateway objects: their dynamic provider's diff must find nothing to change.
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

/** The port-forwarded data plane and admin API, and the echo pod's URL as the gateway's pods reach it. */
export interface Reach {
  base: string;
  adminBase: string;
  echoUrl: string;
}

/**
 * The stack's own gateway objects (infra/gateway-objects/sample-apis.ts) under the real CLI: Pulumi serializes
 * the dynamic provider into the state and runs it against the deployed admin API. Then the declared
 * subscription works: a key issued to the declared app calls the declared API.
 */
async function declareGatewayObjects(run: Run, pulumi: Pulumi, reach: Reach): Promise<void> {
  await pulumi(['config', 'set', '--path', 'gatewayObjects.adminUrl', reach.adminBase]);
  await pulumi(['config', 'set', '--path', 'gatewayObjects.sampleUrls.echo', reach.echoUrl]);
  const counts = await timedUp(run, pulumi, 'ci: gateway objects pulumi up');
  // The SampleApis component, then tenant, app, API, two plans and the subscription.
  if (counts.created !== 7 || counts.updated || counts.deleted || counts.replaced)
    throw new PhaseError(`expected exactly 7 creates, got ${JSON.stringify(counts)}`, [
      run.logFile('pulumi'),
    ]);
  const appId = (await pulumi(['stack', 'output', 'sampleAppId'])).trim();
  const issued = await fetch(`${reach.adminBase}/admin/v1/apps/${appId}/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'e2e' }),
  });
  const text = await issued.text();
  if (issued.status !== 201) throw new PhaseError(`issuing a key to ${appId} → ${issued.status}: ${text}`);
  const { key } = JSON.parse(text) as { key: string };
  const answer = await waitFor('GET /echo/hello with the key → 200 (config poll)', 30_000, async () => {
    const response = await fetch(`${reach.base}/echo/hello`, { headers: { 'x-api-key': key } });
    return response.status === 200 ? response.text() : undefined;
  });
  const refused = await fetch(`${reach.base}/echo/hello`);
  if (refused.status !== 401)
    throw new PhaseError(`GET /echo/hello without a key → ${refused.status}, expected 401`);
  process.stdout.write(`  declared Echo API: keyed GET /echo/hello → 200: ${answer.slice(0, 120)}\n`);
}

/** Seeds an anonymous API on echo through the admin API, over `kubectl port-forward svc/gateway`. */
export async function callThroughGateway(
  run: Run,
  plane: ControlPlane,
  namespace = 'gateway-kit',
): Promise<Reach> {
  // The node tier runs neither cluster DNS nor kube-proxy: the upstream is the echo pod's IP and port.
  const pods = JSON.parse(
    await apiGet(
      run,
      plane,
      `/api/v1/namespaces/${namespace}/pods?labelSelector=app.kubernetes.io%2Fname%3Decho`,
    ),
  ) as { items: { status: { podIP?: string } }[] };
  const echoIp = pods.items[0]?.status.podIP;
  if (!echoIp) throw new PhaseError('no echo pod with an IP', [run.logFile('kubelet')]);
  const echoUrl = `http://${echoIp}:9000`;
  // The data plane on the public Service, the admin API on the ClusterIP-only gateway-admin Service.
  const forward = async (service: string, remotePort: number): Promise<string> => {
    const port = await freePort();
    const name = `port-forward-${namespace}-${service}`;
    run.start(name, join(tools, 'kubectl'), [
      `--kubeconfig=${plane.kubeconfig}`,
      `--namespace=${namespace}`,
      'port-forward',
      `service/${service}`,
      `${port}:${remotePort}`,
    ]);
    const url = `http://127.0.0.1:${port}`;
    // Any HTTP answer means the forward works (the admin listener need not serve /readyz).
    await waitFor(
      `kubectl port-forward to service/${service}`,
      60_000,
      async () => {
        await fetch(`${url}/readyz`);
        return true;
      },
      [run.logFile(name)],
    );
    return url;
  };
  const base = await forward('gateway', 80);
  const adminBase = await forward('gateway-admin', 9090);
  const admin = async (path: string, body: object): Promise<{ id: string }> => {
    const response = await fetch(`${adminBase}/admin/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new PhaseError(`POST /admin/v1${path} → ${response.status}: ${text}`);
    return JSON.parse(text) as { id: string };
  };
  const tenant = await admin('/tenants', { name: namespace });
  const api = await admin('/apis', {
    tenantId: tenant.id,
    name: 'Echo',
    basePath: `/${namespace}-echo`,
    auth: 'none',
    visibility: 'public',
    targets: [{ url: echoUrl }],
  });
  await admin(`/apis/${api.id}/publish`, {});
  const path = `/${namespace}-echo/hello`;
  const answer = await waitFor(`GET ${path} → 200 (config poll)`, 30_000, async () => {
    const response = await fetch(`${base}${path}`);
    return response.status === 200 ? response.text() : undefined;
  });
  process.stdout.write(`  GET ${path} → 200 from ${echoUrl}: ${answer.slice(0, 120)}\n`);
  return { base, adminBase, echoUrl };
}
