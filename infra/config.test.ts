// The stack config schema and its cross-key rules, as pure functions (no Pulumi runtime).
import { describe, expect, test } from 'vitest';
import { decodeRawConfig, parseStackConfig } from './config.js';
import type { StackConfigInput } from './config-schema.js';
import { InfraError } from './errors.js';
import { readImageManifest } from './image-manifest.js';

const manifest = readImageManifest();
const base = {
  adminToken: 'admin-token-0123456789abcdef',
  databasePassword: 'db-password-0123456789',
  images: { mode: 'ci' },
};
const parse = (input: Record<string, unknown>) =>
  parseStackConfig('gateway-kit', input as StackConfigInput, manifest);
const problem = (input: Record<string, unknown>): string => {
  try {
    parse(input);
  } catch (error) {
    expect(error).toBeInstanceOf(InfraError);
    return (error as Error).message;
  }
  throw new Error('expected a config error');
};

describe('defaults', () => {
  test('a minimal config gets the documented defaults', () => {
    const config = parse(base);
    expect(config.namespace).toBe('gateway-kit');
    expect(config.cluster).toEqual({ mode: 'existing' });
    expect(config.images).toEqual({ mode: 'ci', allowMutableTags: false, lockFile: 'images.lock.json' });
    expect(config.store).toEqual({
      mode: 'inCluster',
      postgresStorage: '10Gi',
      redisStorage: '1Gi',
      postgresImage: 'postgres:16-bookworm',
      redisImage: 'redis:7-bookworm',
    });
    expect(config.gateway).toEqual({
      replicas: 2,
      resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
      autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 6, targetCpuUtilization: 70 },
      serviceType: 'LoadBalancer',
      adminPort: 9090,
      logLevel: 'info',
      configPollMs: 500,
      trustProxyHops: 0,
      upstreamAllow: [],
      limitsOnStoreError: 'open',
    });
    expect(config.services).toEqual(['echo', 'llm-mock']);
    expect(config.buildSecrets).toEqual({});
  });

  test('eks gets a VPC, a version and a node group', () => {
    const config = parse({ ...base, cluster: { mode: 'eks' } });
    expect(config.cluster).toEqual({
      mode: 'eks',
      kubernetesVersion: '1.33',
      vpcCidr: '10.0.0.0/16',
      availabilityZoneCount: 2,
      nodes: { instanceTypes: ['t3.large'], minSize: 2, desiredSize: 2, maxSize: 4, diskSizeGb: 50 },
    });
  });

  test('requests may equal their limits in other units (1Gi = 1024Mi, 1 = 1000m)', () => {
    const resources = { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1000m', memory: '1024Mi' } };
    expect(parse({ ...base, gateway: { resources } }).gateway.resources).toEqual(resources);
  });

  test('inStack takes a RUN network from the builder unless one is named', () => {
    const images = { mode: 'inStack', registry: 'r.example.com' } as const;
    expect(parse({ ...base, images }).images).not.toHaveProperty('network');
    expect(parse({ ...base, images: { ...images, network: 'host' } }).images).toMatchObject({
      network: 'host',
    });
    expect(problem({ ...base, images: { ...images, network: 'bridge' } })).toBe(
      'gateway-kit:images.network: Invalid option: expected one of "default"|"host"|"none"',
    );
  });

  test('inStack builds for linux/amd64 with the registry cache on', () => {
    const config = parse({
      ...base,
      images: { mode: 'inStack', registry: 'registry.example.com:5000/team' },
    });
    expect(config.images).toEqual({
      mode: 'inStack',
      registry: 'registry.example.com:5000/team',
      platforms: ['linux/amd64'],
      buildArgs: {},
      cache: true,
    });
  });
});

describe('each error names its key', () => {
  test.each([
    [{ ...base, images: { mode: 'docker' } }, 'gateway-kit:images.mode: '],
    [{ ...base, cluster: { mode: 'gke' } }, 'gateway-kit:cluster.mode: '],
    [{ ...base, images: { mode: 'ci', nginx: 'x@sha256:1' } }, 'gateway-kit:images: unknown key nginx'],
    [
      { ...base, images: { mode: 'inStack', registry: 'r.example.com', gateway: 'x' } },
      'gateway-kit:images: unknown key gateway',
    ],
    [
      { ...base, cluster: { mode: 'existing', vpcCidr: '10.0.0.0/16' } },
      'gateway-kit:cluster: unknown key vpcCidr',
    ],
    [
      { ...base, cluster: { mode: 'eks', vpcCidr: '10.0.0.0/24' } },
      'gateway-kit:cluster.vpcCidr: must be an IPv4 CIDR from /16 to /20',
    ],
    [
      { ...base, cluster: { mode: 'eks', nodes: { minSize: 3, desiredSize: 2 } } },
      'gateway-kit:cluster.nodes: must satisfy minSize <= desiredSize <= maxSize',
    ],
    [
      { ...base, gateway: { autoscaling: { minReplicas: 5, maxReplicas: 3 } } },
      'gateway-kit:gateway.autoscaling: minReplicas must be <= maxReplicas',
    ],
    [
      {
        ...base,
        gateway: { resources: { requests: { cpu: 'lots', memory: '1Gi' }, limits: { memory: '1Gi' } } },
      },
      'gateway-kit:gateway.resources.requests.cpu: must be a quantity such as 250m or 512Mi',
    ],
    [
      {
        ...base,
        gateway: { resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '512Mi' } } },
      },
      'gateway-kit:gateway.resources.requests.memory: 1Gi must be less than or equal to limits.memory (512Mi)',
    ],
    [
      {
        ...base,
        gateway: {
          resources: { requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '1500m', memory: '1Gi' } },
        },
      },
      'gateway-kit:gateway.resources.requests.cpu: 2 must be less than or equal to limits.cpu (1500m)',
    ],
    [{ ...base, gateway: { serviceType: 'NodePort' } }, 'gateway-kit:gateway.serviceType: '],
    [{ ...base, services: ['echo', 'echo'] }, 'gateway-kit:services: lists a service twice'],
    [{ ...base, services: ['redis'] }, 'gateway-kit:services.0: '],
    [{ ...base, namespace: 'Gateway_Kit' }, 'gateway-kit:namespace: must be a DNS label (a-z, 0-9, -)'],
    [{ ...base, adminToken: 'short' }, 'gateway-kit:adminToken: must be at least 16 characters'],
    [{ ...base, secretKey: 'short' }, 'gateway-kit:secretKey: must be at least 16 characters'],
    [{ ...base, gateway: { trustProxyHops: -1 } }, 'gateway-kit:gateway.trustProxyHops: '],
    [
      { ...base, gateway: { upstreamAllow: ['a.example.com,b.example.com'] } },
      'gateway-kit:gateway.upstreamAllow.0: must be one host name, IP or CIDR (no commas or spaces)',
    ],
    [{ ...base, gateway: { limitsOnStoreError: 'fail' } }, 'gateway-kit:gateway.limitsOnStoreError: '],
    [{ ...base, colour: 'blue' }, 'gateway-kit:colour: is not a config key of this program'],
    [
      { ...base, images: { mode: 'inStack', registry: 'https://registry.example.com' } },
      'gateway-kit:images.registry: must be host[:port][/path], without scheme or tag',
    ],
    [
      { ...base, images: { mode: 'inStack', registry: 'r.example.com', platforms: ['linux/x86'] } },
      'gateway-kit:images.platforms.0: ',
    ],
  ])('%j → %s', (input, expected) => {
    expect(problem(input)).toContain(expected);
  });

  test('a missing images key says how to set it', () => {
    const { images: _images, ...withoutImages } = base;
    expect(problem(withoutImages)).toBe(
      'gateway-kit:images: is required; set images.mode to inStack or ci (`pulumi config set --path images.mode ci`)',
    );
  });
});

describe('cross-key rules', () => {
  test('an in-cluster store needs databasePassword', () => {
    const { databasePassword: _unused, ...input } = base;
    expect(problem(input)).toBe(
      'gateway-kit:databasePassword: is required when store.mode=inCluster and cluster.mode=existing ' +
        '(pulumi config set --secret databasePassword …)',
    );
  });

  test('a managed store on an existing cluster needs both URLs and no password', () => {
    const { databasePassword: _unused, ...noPassword } = base;
    const managed = { ...noPassword, store: { mode: 'managed' } };
    expect(problem(managed)).toContain('gateway-kit:databaseUrl: is required when store.mode=managed');
    expect(problem({ ...managed, databaseUrl: 'postgres://u:p@db:5432/gw' })).toContain(
      'gateway-kit:redisUrl: is required',
    );
    expect(problem({ ...managed, databaseUrl: 'mysql://db/gw', redisUrl: 'redis://r:6379' })).toBe(
      'gateway-kit:databaseUrl: must be a postgres://… URL',
    );
    const ok = parse({ ...managed, databaseUrl: 'postgres://u:p@db:5432/gw', redisUrl: 'rediss://r:6379' });
    expect(ok.store.mode).toBe('managed');
    expect(
      problem({
        ...managed,
        databaseUrl: 'postgres://u:p@db/gw',
        redisUrl: 'redis://r',
        databasePassword: 'x'.repeat(16),
      }),
    ).toBe(
      'gateway-kit:databasePassword: is not used with store.mode=managed on an existing cluster; remove it',
    );
  });

  test('URLs are refused where the stack creates the store itself', () => {
    expect(problem({ ...base, databaseUrl: 'postgres://u:p@db:5432/gw' })).toBe(
      'gateway-kit:databaseUrl: is only used when store.mode=managed and cluster.mode=existing; remove it',
    );
  });

  test('inStack on an existing cluster needs a registry; EKS does not (ECR)', () => {
    expect(problem({ ...base, images: { mode: 'inStack' } })).toBe(
      'gateway-kit:images.registry: is required when images.mode=inStack and cluster.mode=existing',
    );
    expect(parse({ ...base, cluster: { mode: 'eks' }, images: { mode: 'inStack' } }).images.mode).toBe(
      'inStack',
    );
  });

  test('registry credentials come in pairs, and only for inStack', () => {
    const inStack = { mode: 'inStack', registry: 'r.example.com' };
    expect(problem({ ...base, images: { ...inStack, registryUsername: 'ci' } })).toBe(
      'gateway-kit:registryPassword: registry credentials need both images.registryUsername and the secret registryPassword',
    );
    expect(problem({ ...base, images: inStack, registryPassword: 'pw' })).toContain(
      'gateway-kit:images.registryUsername:',
    );
    expect(problem({ ...base, registryPassword: 'pw' })).toBe(
      'gateway-kit:registryPassword: is only used when images.mode=inStack',
    );
    expect(problem({ ...base, buildSecrets: { npmrc: 'x' } })).toBe(
      'gateway-kit:buildSecrets: are only used when images.mode=inStack',
    );
  });
});

describe('decodeRawConfig', () => {
  test('structured keys are JSON, plain keys stay strings', () => {
    expect(decodeRawConfig('gateway-kit', { namespace: 'gk', images: '{"mode":"ci"}' })).toEqual({
      namespace: 'gk',
      images: { mode: 'ci' },
    });
  });

  test('a plain string where an object belongs names the key', () => {
    expect(() => decodeRawConfig('gateway-kit', { images: 'ci' })).toThrow(
      'gateway-kit:images: must be structured config (an object or list), not a plain string',
    );
  });
});
