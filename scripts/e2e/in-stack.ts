// Tier 2 with images built in the stack (images.mode=inStack, @pulumi/docker-build): one `pulumi up`
// builds, pushes and deploys; a second is a no-op; touching one service's source rolls only that service.
// Its own stack and namespace, so it does not depend on how the ci tier ended.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNodeBaseImage } from '../images/testing/node-base-image.js';
import { pushBaseImage, startBuildkitd } from './buildkit.js';
import { apiGet, type ControlPlane } from './cluster.js';
import { stateSize, timedUp } from './figures.js';
import { PhaseError, type Run } from './run.js';
import { cache, configure, pulumiCli, registry, repo, tools, workDir } from './stack-cli.js';
import { callThroughGateway } from './tier-two.js';

const stack = 'e2e-instack';
const namespace = 'gateway-kit-instack';
const localCas = '/usr/local/share/ca-certificates';

/**
 * The CAs npm needs beyond the public ones: E2E_CA_CERTS, else the certificates this machine added to
 * Debian's store (a TLS-inspecting proxy's). Not the whole system bundle: the language host hands the
 * program its config in one environment variable, which Linux caps at 128 KiB (docs/deploy.md).
 */
function extraCas(): string | undefined {
  if (process.env.E2E_CA_CERTS) return readFileSync(process.env.E2E_CA_CERTS, 'utf8');
  if (!existsSync(localCas)) return undefined;
  const files = readdirSync(localCas).filter((name) => name.endsWith('.crt'));
  return files.length > 0
    ? files.map((name) => readFileSync(join(localCas, name), 'utf8')).join('\n')
    : undefined;
}

/** name → the image each Deployment of the namespace runs. */
async function deployedImages(run: Run, plane: ControlPlane): Promise<Record<string, string>> {
  const list = JSON.parse(await apiGet(run, plane, `/apis/apps/v1/namespaces/${namespace}/deployments`)) as {
    items: {
      metadata: { name: string };
      spec: { template: { spec: { containers: { image: string }[] } } };
    }[];
  };
  return Object.fromEntries(
    list.items.map((d) => [d.metadata.name, d.spec.template.spec.containers[0]!.image]),
  );
}

export async function inStackTier(run: Run, plane: ControlPlane): Promise<void> {
  const pulumi = pulumiCli(run, plane, stack);
  const base = await run.phase(
    'inStack: buildkitd as a remote buildx builder, base image in the registry',
    async () => {
      await startBuildkitd(run, workDir, tools, registry, join(cache, 'buildkit-root'));
      // The local stand-in for node:22-bookworm-slim (no Docker Hub), where buildkitd can pull it.
      return pushBaseImage(
        run,
        process.env.E2E_BASE_IMAGE ?? (await ensureNodeBaseImage('docker')),
        registry,
      );
    },
  );
  await run.phase('inStack: stack config (docker-build, RUN steps on the host network)', async () => {
    await configure(pulumi, stack, [
      ['images.mode', 'inStack'],
      ['images.registry', `${registry}/gateway-kit-e2e-instack`],
      // buildkitd runs RUN steps on the host network (there is no bridge); no registry cache: the run's
      // buildkitd starts empty and is thrown away, so a registry cache would only add pushes.
      ['images.network', 'host'],
      ['images.cache', 'false'],
      ['images.buildArgs.BASE_IMAGE', base],
      ['namespace', namespace],
    ]);
    const cas = extraCas();
    if (cas) await pulumi(['config', 'set', '--secret', '--path', 'buildSecrets.ca_certs'], cas);
  });
  await run.phase('inStack: pulumi up (cold) builds, pushes and deploys', async () => {
    await timedUp(run, pulumi, 'inStack: cold pulumi up');
  });
  await run.phase('inStack: a call through the gateway Service returns 200 from echo', () =>
    callThroughGateway(run, plane, namespace),
  );
  await run.phase('inStack: second pulumi up is a no-op', async () => {
    await timedUp(run, pulumi, 'inStack: no-change pulumi up', ['--expect-no-changes']);
  });
  await run.phase("inStack: touching echo's source rolls only echo", async () => {
    const before = await deployedImages(run, plane);
    const source = join(repo, 'services/echo/src/main.ts');
    const original = readFileSync(source, 'utf8');
    writeFileSync(source, `${original}// e2e:deploy release ${Date.now()}\n`);
    try {
      await timedUp(run, pulumi, 'inStack: one-service change (echo source) pulumi up');
    } finally {
      writeFileSync(source, original);
    }
    const after = await deployedImages(run, plane);
    const rolled = Object.keys(after).filter((name) => after[name] !== before[name]);
    if (rolled.join() !== 'echo')
      throw new PhaseError(`expected only echo to roll, rolled: ${rolled.join(', ') || 'none'}`, [
        run.logFile('pulumi'),
      ]);
  });
  await run.phase('inStack: state size', () =>
    stateSize(run, pulumi, 'inStack: state (pulumi stack export)'),
  );
  await run.phase('inStack: pulumi destroy leaves nothing', async () => {
    await pulumi(['destroy', '--yes']);
    const namespaces = JSON.parse(await apiGet(run, plane, '/api/v1/namespaces')) as {
      items: { metadata: { name: string } }[];
    };
    if (namespaces.items.some((n) => n.metadata.name === namespace))
      throw new PhaseError(`namespace ${namespace} is still there after destroy`, [run.logFile('pulumi')]);
  });
}
