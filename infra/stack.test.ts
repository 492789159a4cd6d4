// The whole program under Pulumi's mock runtime: both image modes × both cluster modes, schemas, secrets.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { InfraError } from './errors.js';
import { readImageManifest } from './image-manifest.js';
import { isDigestRef } from './image-refs.js';
import { isKubernetesObjectType, validateKubernetesObject } from './testing/kubernetes-schemas.js';
import {
  fakeAccount,
  fakeLoadBalancer,
  fakeRegion,
  type ProgramRun,
  type RecordedResource,
  runProgram,
  UNKNOWN,
} from './testing/mock-runtime.js';

const manifest = readImageManifest();
const digest = (n: number) => n.toString(16).repeat(64).slice(0, 64);
const ciDigests = {
  gateway: `ghcr.io/acme/gateway-kit/gateway@sha256:${digest(1)}`,
  echo: `ghcr.io/acme/gateway-kit/echo@sha256:${digest(2)}`,
  'llm-mock': `ghcr.io/acme/gateway-kit/llm-mock@sha256:${digest(3)}`,
};
const storeImages = {
  postgresImage: `mirror.example.com/postgres@sha256:${digest(4)}`,
  redisImage: `mirror.example.com/redis@sha256:${digest(5)}`,
};
const secrets = { adminToken: 'admin-token-0123456789abcdef', databasePassword: 'db-password-0123456789' };
const imageModes = {
  ci: { mode: 'ci', ...ciDigests },
  inStack: { mode: 'inStack', registry: 'registry.example.com/team' },
} as const;

function emptyRepoRoot(): string {
  return mkdtempSync(join(tmpdir(), 'infra-test-'));
}

function run(config: Record<string, unknown>, options: { preview?: boolean; repoRoot?: string } = {}) {
  return runProgram({
    config: { ...secrets, store: { mode: 'inCluster', ...storeImages }, ...config },
    manifest,
    repoRoot: options.repoRoot ?? emptyRepoRoot(),
    preview: options.preview ?? false,
  });
}

type Container = { name: string; image: string };
/** The shape of a recorded Deployment / StatefulSet that the tests read. */
type Workload = {
  metadata: { name: string };
  spec: {
    replicas?: number;
    template: { metadata: { annotations?: Record<string, string> }; spec: { containers: Container[] } };
  };
};
const asWorkload = (r: RecordedResource) => r.inputs as unknown as Workload;

function containers(result: ProgramRun): Container[] {
  return result.resources
    .filter((r) => r.type === 'kubernetes:apps/v1:Deployment' || r.type === 'kubernetes:apps/v1:StatefulSet')
    .flatMap((r) => asWorkload(r).spec.template.spec.containers);
}
function deployment(result: ProgramRun, name: string): Workload {
  const found = result
    .ofType('kubernetes:apps/v1:Deployment')
    .find((r) => asWorkload(r).metadata.name === name);
  if (!found) throw new Error(`no Deployment ${name}`);
  return asWorkload(found);
}
function imageOf(result: ProgramRun, name: string): string | undefined {
  return deployment(result, name).spec.template.spec.containers[0]?.image;
}
function byName(resources: RecordedResource[]): Record<string, RecordedResource> {
  return Object.fromEntries(resources.map((r) => [`${r.type} ${r.name}`, r]));
}

describe.each([
  ['existing', 'ci'],
  ['existing', 'inStack'],
  ['eks', 'ci'],
  ['eks', 'inStack'],
] as const)('cluster.mode=%s × images.mode=%s', (clusterMode, imageMode) => {
  test('every Kubernetes object validates against the Kubernetes schemas; outputs are complete', async () => {
    const result = await run({ cluster: { mode: clusterMode }, images: imageModes[imageMode] });
    const objects = result.resources.filter((r) => isKubernetesObjectType(r.type));
    const kinds = new Set(objects.map((r) => r.type));
    expect([...kinds].sort()).toEqual(
      [
        'kubernetes:apps/v1:Deployment',
        'kubernetes:apps/v1:StatefulSet',
        'kubernetes:autoscaling/v2:HorizontalPodAutoscaler',
        'kubernetes:core/v1:Namespace',
        'kubernetes:core/v1:Secret',
        'kubernetes:core/v1:Service',
        'kubernetes:networking.k8s.io/v1:NetworkPolicy',
        'kubernetes:policy/v1:PodDisruptionBudget',
        ...(clusterMode === 'eks' ? ['kubernetes:storage.k8s.io/v1:StorageClass'] : []),
      ].sort(),
    );
    for (const object of objects) {
      expect(
        () => validateKubernetesObject(object.type, object.inputs),
        `${object.type} ${object.name}`,
      ).not.toThrow();
    }
    expect(result.ofType('pulumi:providers:kubernetes')).toHaveLength(clusterMode === 'eks' ? 1 : 0);
    expect(result.ofType('aws:eks/cluster:Cluster')).toHaveLength(clusterMode === 'eks' ? 1 : 0);
    expect(result.ofType('docker-build:index:Image')).toHaveLength(imageMode === 'inStack' ? 3 : 0);

    expect(result.outputs.gatewayUrl).toEqual({
      value: `http://${fakeLoadBalancer}`,
      known: true,
      secret: false,
    });
    const refs = result.outputs.images!.value as Record<string, string>;
    expect(Object.keys(refs).sort()).toEqual(['echo', 'gateway', 'llm-mock']);
    for (const ref of Object.values(refs)) expect(isDigestRef(ref), ref).toBe(true);
    expect(imageOf(result, 'gateway')).toBe(refs.gateway);
    expect(imageOf(result, 'echo')).toBe(refs.echo);
  });
});

describe('images.mode=ci', () => {
  test('creates no build resource and deploys exactly the configured digests', async () => {
    const result = await run({ images: imageModes.ci });
    expect(result.resources.filter((r) => r.type.startsWith('docker-build:'))).toEqual([]);
    expect(result.ofType('aws:ecr/repository:Repository')).toEqual([]);
    const images = containers(result).map((c) => c.image);
    expect(images).toHaveLength(5);
    for (const image of images) expect(isDigestRef(image), image).toBe(true);
    expect(imageOf(result, 'gateway')).toBe(ciDigests.gateway);
    expect(imageOf(result, 'echo')).toBe(ciDigests.echo);
    expect(imageOf(result, 'llm-mock')).toBe(ciDigests['llm-mock']);
    expect(result.outputs.images!.value).toEqual(ciDigests);
  });

  test('reads digests from images.lock.json; stack config overrides the file', async () => {
    const repoRoot = emptyRepoRoot();
    const lockRef = (name: string, n: number) => `127.0.0.1:5000/gateway-kit/${name}@sha256:${digest(n)}`;
    writeFileSync(
      join(repoRoot, 'images.lock.json'),
      JSON.stringify({
        version: 1,
        gateway: { ref: lockRef('gateway', 6), hash: 'h1', commit: 'c1' },
        echo: { ref: lockRef('echo', 7), hash: 'h2', commit: 'c2' },
        'llm-mock': { ref: lockRef('llm-mock', 8), hash: 'h3', commit: 'c3' },
      }),
    );
    const result = await run({ images: { mode: 'ci', echo: ciDigests.echo } }, { repoRoot });
    expect(result.outputs.images!.value).toEqual({
      gateway: lockRef('gateway', 6),
      echo: ciDigests.echo,
      'llm-mock': lockRef('llm-mock', 8),
    });
  });

  test('a mutable tag is refused with the named config error', async () => {
    const attempt = run({ images: { ...imageModes.ci, gateway: 'ghcr.io/acme/gateway-kit/gateway:latest' } });
    await expect(attempt).rejects.toThrow(InfraError);
    await expect(attempt).rejects.toThrow(
      'gateway-kit:images.gateway: "ghcr.io/acme/gateway-kit/gateway:latest" is not <repo>@sha256:<64 hex>; ' +
        'pin it by digest or set images.allowMutableTags=true',
    );
  });

  test('a short digest is refused too', async () => {
    await expect(
      run({ images: { ...imageModes.ci, echo: 'ghcr.io/acme/echo@sha256:abc123' } }),
    ).rejects.toMatchObject({
      code: 'IMAGE_REF_INVALID',
      key: 'gateway-kit:images.echo',
    });
  });

  test('images.allowMutableTags=true lets a tag through', async () => {
    const result = await run({
      images: { ...imageModes.ci, allowMutableTags: true, gateway: 'ghcr.io/acme/gateway-kit/gateway:1.2.3' },
    });
    expect(imageOf(result, 'gateway')).toBe('ghcr.io/acme/gateway-kit/gateway:1.2.3');
  });

  test('a missing image is the named config error', async () => {
    const { 'llm-mock': _omitted, ...withoutLlmMock } = ciDigests;
    await expect(run({ images: { mode: 'ci', ...withoutLlmMock } })).rejects.toMatchObject({
      code: 'IMAGE_MISSING',
      key: 'gateway-kit:images.llm-mock',
    });
  });

  test('an image that is not deployed needs no digest', async () => {
    const { 'llm-mock': _omitted, ...withoutLlmMock } = ciDigests;
    const result = await run({ images: { mode: 'ci', ...withoutLlmMock }, services: ['echo'] });
    expect(result.outputs.images!.value).toEqual(withoutLlmMock);
    const names = result.ofType('kubernetes:apps/v1:Deployment').map((r) => asWorkload(r).metadata.name);
    expect(names.sort()).toEqual(['echo', 'gateway']);
  });
});

describe('images.mode=inStack', () => {
  test('on EKS: one ECR repository per image and stack; deploys <repository URL>@<pushed digest>', async () => {
    const result = await run({
      cluster: { mode: 'eks' },
      images: { mode: 'inStack', platforms: ['linux/arm64'] },
    });
    const repositories = result.ofType('aws:ecr/repository:Repository').map((r) => r.inputs.name);
    expect(repositories.sort()).toEqual([
      'dev/gateway-kit/echo',
      'dev/gateway-kit/gateway',
      'dev/gateway-kit/llm-mock',
    ]);
    const build = result.ofType('docker-build:index:Image').find((r) => r.name === 'images-gateway')!;
    const repo = `${fakeAccount}.dkr.ecr.${fakeRegion}.amazonaws.com/dev/gateway-kit/gateway`;
    expect(build.inputs).toMatchObject({
      push: true,
      tags: [`${repo}:dev`],
      platforms: ['linux/arm64'],
      dockerfile: { location: expect.stringMatching(/Dockerfile\.gateway$/) },
      cacheFrom: [{ registry: { ref: `${repo}:buildcache` } }],
      cacheTo: [
        { registry: { ref: `${repo}:buildcache`, mode: 'max', imageManifest: true, ociMediaTypes: true } },
      ],
      registries: [
        {
          address: `${fakeAccount}.dkr.ecr.${fakeRegion}.amazonaws.com`,
          username: 'AWS',
          password: 'ecr-login-password',
        },
      ],
    });
    const ref = imageOf(result, 'gateway');
    expect(ref).toMatch(new RegExp(`^${repo.replace(/\./g, '\\.')}@sha256:[0-9a-f]{64}$`));
    expect(result.outputs.images?.value).toMatchObject({ gateway: ref });
  });
});

describe('infrastructure changes leave images alone', () => {
  test.each(['existing', 'eks'] as const)(
    'cluster.mode=%s: changing only gateway replicas leaves every image resource input unchanged',
    async (clusterMode) => {
      const config = (replicas: number) => ({
        cluster: { mode: clusterMode },
        images: { ...imageModes.inStack, ...(clusterMode === 'eks' ? { registry: undefined } : {}) },
        gateway: { replicas, autoscaling: { enabled: false } },
      });
      const repoRoot = emptyRepoRoot();
      const before = await run(JSON.parse(JSON.stringify(config(2))), { repoRoot });
      const after = await run(JSON.parse(JSON.stringify(config(5))), { repoRoot });
      // The change itself went through…
      expect(deployment(before, 'gateway').spec.replicas).toBe(2);
      expect(deployment(after, 'gateway').spec.replicas).toBe(5);
      // …and no image resource (build or repository) sees a different input.
      const imageResources = (r: ProgramRun) =>
        byName(
          r.resources.filter((x) => x.type.startsWith('docker-build:') || x.type.startsWith('aws:ecr/')),
        );
      expect(Object.keys(imageResources(before))).toHaveLength(clusterMode === 'eks' ? 6 : 3);
      expect(imageResources(after)).toEqual(imageResources(before));
      expect(after.outputs.images).toEqual(before.outputs.images);
    },
  );
});

describe('secrets', () => {
  test('the admin token, kubeconfig and every secret input stay marked secret', async () => {
    const result = await run({
      cluster: { mode: 'eks' },
      images: { mode: 'inStack' },
      buildSecrets: { npmrc: '//registry.npmjs.org/:_authToken=npm-token' },
    });
    expect(result.outputs.adminToken).toEqual({ value: secrets.adminToken, known: true, secret: true });
    expect(result.outputs.kubeconfig?.secret).toBe(true);
    expect(result.outputs.gatewayUrl?.secret).toBe(false);

    const gatewaySecret = result
      .ofType('kubernetes:core/v1:Secret')
      .find((r) => r.name === 'platform-gateway-secret')!;
    // @pulumi/kubernetes marks a Secret's whole stringData secret, whatever its values.
    expect(gatewaySecret.secretPaths).toEqual(['stringData']);
    expect((gatewaySecret.inputs.stringData as Record<string, string>)['admin-token']).toBe(
      secrets.adminToken,
    );
    const postgres = result
      .ofType('kubernetes:core/v1:Secret')
      .find((r) => r.name === 'platform-postgres-credentials')!;
    expect(postgres.secretPaths).toEqual(['stringData']);
    // The pod template carries only a checksum of the secret values, itself kept secret.
    const gateway = result
      .ofType('kubernetes:apps/v1:Deployment')
      .find((r) => r.name === 'platform-gateway')!;
    // Only a truncated hash of the secret values reaches the pod template, and it is not secret: a secret
    // annotation would hide the whole Deployment spec (image refs included) from every diff.
    expect(gateway.secretPaths).toEqual([]);
    expect(asWorkload(gateway).spec.template.metadata.annotations?.['checksum/secret']).toMatch(
      /^[0-9a-f]{16}$/,
    );
    expect(JSON.stringify(gateway.inputs)).not.toContain(secrets.adminToken);
    expect(JSON.stringify(gateway.inputs)).not.toContain(secrets.databasePassword);
    // Without secretKey the Secret has no secret-key entry and the pods no SECRET_KEY.
    expect(Object.keys(gatewaySecret.inputs.stringData as object)).not.toContain('secret-key');
    expect(JSON.stringify(gateway.inputs)).not.toContain('SECRET_KEY');

    const image = result.ofType('docker-build:index:Image').find((r) => r.name === 'images-gateway')!;
    // Secrecy is tracked per top-level input: the registry login and the BuildKit secrets.
    expect(image.secretPaths.sort()).toEqual(['registries', 'secrets']);
    const provider = result.ofType('pulumi:providers:kubernetes')[0]!;
    expect(provider.secretPaths).toEqual(['kubeconfig']);
  });
});

describe('preview', () => {
  test('an ECR repository created in the same stack does not make the image push without tags', async () => {
    const result = await run({ cluster: { mode: 'eks' }, images: { mode: 'inStack' } }, { preview: true });
    const images = result.ofType('docker-build:index:Image');
    expect(images).toHaveLength(3);
    for (const image of images) {
      // docker-build drops unknown inputs in preview; push must be dropped with the unknown tags (#251/#252).
      expect(image.inputs.tags).toEqual([UNKNOWN]);
      expect(image.inputs.push).toBe(UNKNOWN);
      expect(image.inputs.buildOnPreview).toBe(true);
    }
    expect(result.outputs.images?.known).toBe(false);
  });

  test('with a configured registry the tags are known and push is plainly true in preview', async () => {
    const result = await run({ images: imageModes.inStack }, { preview: true });
    const image = result.ofType('docker-build:index:Image').find((r) => r.name === 'images-gateway')!;
    expect(image.inputs.tags).toEqual(['registry.example.com/team/gateway-kit/gateway:dev']);
    expect(image.inputs.push).toBe(true);
  });
});

describe('store', () => {
  test('secretKey reaches the pods only through the gateway Secret, as SECRET_KEY', async () => {
    const secretKey = 'secret-key-0123456789abcdef';
    const result = await run({ images: imageModes.ci, secretKey });
    const secret = result
      .ofType('kubernetes:core/v1:Secret')
      .find((r) => r.name === 'platform-gateway-secret')!;
    expect(secret.secretPaths).toEqual(['stringData']);
    expect((secret.inputs.stringData as Record<string, string>)['secret-key']).toBe(secretKey);
    const gateway = result
      .ofType('kubernetes:apps/v1:Deployment')
      .find((r) => r.name === 'platform-gateway')!;
    expect(JSON.stringify(gateway.inputs)).not.toContain(secretKey);
    const env = asWorkload(gateway).spec.template.spec.containers[0] as unknown as {
      env: { name: string; valueFrom?: unknown }[];
    };
    expect(env.env.find((e) => e.name === 'SECRET_KEY')).toEqual({
      name: 'SECRET_KEY',
      valueFrom: { secretKeyRef: { name: 'gateway-secrets', key: 'secret-key' } },
    });
  });

  test('store.mode=managed on EKS creates RDS and ElastiCache in the VPC and no in-cluster store', async () => {
    const result = await run({ cluster: { mode: 'eks' }, images: imageModes.ci, store: { mode: 'managed' } });
    expect(result.ofType('kubernetes:apps/v1:StatefulSet')).toEqual([]);
    const [rds] = result.ofType('aws:rds/instance:Instance');
    expect(rds?.inputs).toMatchObject({
      engine: 'postgres',
      publiclyAccessible: false,
      storageEncrypted: true,
    });
    expect(rds?.secretPaths).toEqual(['password']);
    expect(result.ofType('aws:elasticache/replicationGroup:ReplicationGroup')).toHaveLength(1);
    const gatewaySecret = result
      .ofType('kubernetes:core/v1:Secret')
      .find((r) => r.name === 'platform-gateway-secret')!;
    const data = gatewaySecret.inputs.stringData as Record<string, string>;
    expect(data['database-url']).toBe(
      `postgres://gateway:${secrets.databasePassword}@store-postgres.abc.eu-west-1.rds.amazonaws.com:5432/gateway?sslmode=no-verify`,
    );
    expect(data['redis-url']).toBe('rediss://master.store-redis.abc.cache.amazonaws.com:6379');
  });

  test('store.mode=managed on an existing cluster uses the given URLs', async () => {
    const { databasePassword: _unused, ...onlyToken } = secrets;
    const result = await runProgram({
      config: {
        ...onlyToken,
        images: imageModes.ci,
        store: { mode: 'managed' },
        databaseUrl: 'postgres://gw:pw@db.internal:5432/gateway',
        redisUrl: 'redis://cache.internal:6379',
      },
      manifest,
      repoRoot: emptyRepoRoot(),
    });
    expect(result.ofType('aws:rds/instance:Instance')).toEqual([]);
    const gatewaySecret = result
      .ofType('kubernetes:core/v1:Secret')
      .find((r) => r.name === 'platform-gateway-secret')!;
    expect(gatewaySecret.inputs.stringData).toEqual({
      'admin-token': secrets.adminToken,
      'database-url': 'postgres://gw:pw@db.internal:5432/gateway',
      'redis-url': 'redis://cache.internal:6379',
    });
  });
});

describe('config errors surface before any resource', () => {
  test('a missing admin token names the key', async () => {
    const attempt = runProgram({
      config: { images: imageModes.ci, databasePassword: secrets.databasePassword },
      manifest,
      repoRoot: emptyRepoRoot(),
    });
    await expect(attempt).rejects.toThrow(
      'gateway-kit:adminToken: is required; set it with `pulumi config set --secret adminToken <at least 16 characters>`',
    );
  });

  test('an unknown key inside a structured value names it', async () => {
    await expect(run({ images: imageModes.ci, gateway: { replica: 3 } })).rejects.toThrow(
      'gateway-kit:gateway: unknown key replica',
    );
  });
});
