// The stack config schema: every key of the `gateway-kit` namespace, parsed once, unknown keys rejected.
import { NetworkMode, Platform } from '@pulumi/docker-build';
import { z } from 'zod';
import type { ImageManifest } from './image-manifest.js';
import { sampleServiceNames } from './image-manifest.js';

// Kubernetes resource quantities as the API accepts them (decimal or binary SI suffixes).
const quantity = z
  .string()
  .regex(/^\d+(\.\d+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/, 'must be a quantity such as 250m or 512Mi');
const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a DNS label (a-z, 0-9, -)');
// The VPC is carved into /(prefix+4) subnets, so anything from /16 to /20 leaves room for eight of them.
const vpcCidr = z
  .string()
  .regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(1[6-9]|20)$/, 'must be an IPv4 CIDR from /16 to /20');
// host[:port][/path] without a scheme or tag: repositories are appended to it.
const registry = z
  .string()
  .regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*$/, 'must be host[:port][/path], without scheme or tag');

const quantityUnits: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};
/** A quantity the `quantity` schema accepted, as a number (for comparing requests with limits). */
export function quantityValue(text: string): number {
  const [, number, unit] = /^([\d.]+)(\D*)$/.exec(text)!;
  return Number(number) * quantityUnits[unit!]!;
}

const resources = z
  .strictObject({
    requests: z.strictObject({ cpu: quantity, memory: quantity }),
    // No CPU limit by default: CFS throttling adds tail latency to a proxy; memory is limited.
    limits: z.strictObject({ cpu: quantity.optional(), memory: quantity }),
  })
  // The API server refuses a request above its limit, but only once the Deployment reaches it: a
  // preview of a new stack (no namespace yet, so no server-side dry-run) would not say so.
  .superRefine((r, ctx) => {
    for (const kind of ['cpu', 'memory'] as const) {
      const limit = r.limits[kind];
      if (limit !== undefined && quantityValue(r.requests[kind]) > quantityValue(limit))
        ctx.addIssue({
          code: 'custom',
          path: ['requests', kind],
          message: `${r.requests[kind]} must be less than or equal to limits.${kind} (${limit})`,
        });
    }
  });

const existingCluster = z.strictObject({ mode: z.literal('existing') });

const nodeGroup = z
  .strictObject({
    instanceTypes: z.array(z.string().min(1)).min(1).default(['t3.large']),
    minSize: z.number().int().min(1).default(2),
    desiredSize: z.number().int().min(1).default(2),
    maxSize: z.number().int().min(1).default(4),
    diskSizeGb: z.number().int().min(20).max(1000).default(50),
  })
  .refine((n) => n.minSize <= n.desiredSize && n.desiredSize <= n.maxSize, {
    message: 'must satisfy minSize <= desiredSize <= maxSize',
  });

const eksCluster = z.strictObject({
  mode: z.literal('eks'),
  kubernetesVersion: z
    .string()
    .regex(/^1\.\d{2}$/, 'must be a minor version such as 1.33')
    .default('1.33'),
  vpcCidr: vpcCidr.default('10.0.0.0/16'),
  availabilityZoneCount: z.number().int().min(2).max(4).default(2),
  nodes: nodeGroup.default({
    instanceTypes: ['t3.large'],
    minSize: 2,
    desiredSize: 2,
    maxSize: 4,
    diskSizeGb: 50,
  }),
});

const inStackImages = z.strictObject({
  mode: z.literal('inStack'),
  /** Push here instead of the ECR repositories the stack creates (required for an existing cluster). */
  registry: registry.optional(),
  registryUsername: z.string().min(1).optional(),
  platforms: z
    .array(z.enum(Object.values(Platform) as [Platform, ...Platform[]]))
    .min(1)
    .default(['linux/amd64']),
  buildArgs: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
  /**
   * The network of RUN steps. Unset, the builder's default (Docker's bridge); `host` for a Docker daemon
   * without a bridge network (dockerd --bridge=none, as on some CI runners), where `npm ci` has no network.
   */
  network: z.enum(Object.values(NetworkMode) as [NetworkMode, ...NetworkMode[]]).optional(),
  /** Registry build cache (`<repo>:buildcache`), read and written by every build. */
  cache: z.boolean().default(true),
  /** The tag pushed beside the digest (deployments use the digest, never this tag). */
  tag: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'must be a valid image tag')
    .optional(),
});

function ciImagesSchema(manifest: ImageManifest) {
  const perImage = Object.fromEntries(
    manifest.images.map((image) => [image.name, z.string().min(1).optional()]),
  );
  return z.strictObject({
    mode: z.literal('ci'),
    allowMutableTags: z.boolean().default(false),
    /** The pipeline's lock file, relative to the repository root. */
    lockFile: z.string().min(1).default('images.lock.json'),
    ...perImage,
  });
}

const inClusterStore = z.strictObject({
  mode: z.literal('inCluster'),
  /** StorageClass for the volumes: the cluster default, or the gp3 class the EKS cluster gets. */
  storageClassName: dnsLabel.optional(),
  postgresStorage: quantity.default('10Gi'),
  redisStorage: quantity.default('1Gi'),
  postgresImage: z.string().min(1).default('postgres:16-bookworm'),
  redisImage: z.string().min(1).default('redis:7-bookworm'),
});

const managedStore = z.strictObject({
  mode: z.literal('managed'),
  instanceClass: z.string().min(1).default('db.t4g.micro'),
  allocatedStorageGb: z.number().int().min(20).max(65536).default(20),
  postgresVersion: z.string().min(1).default('16'),
  cacheNodeType: z.string().min(1).default('cache.t4g.micro'),
  multiAz: z.boolean().default(false),
  skipFinalSnapshot: z.boolean().default(false),
});

const autoscaling = z
  .strictObject({
    enabled: z.boolean().default(true),
    minReplicas: z.number().int().min(1).default(2),
    maxReplicas: z.number().int().min(1).max(100).default(6),
    targetCpuUtilization: z.number().int().min(10).max(100).default(70),
  })
  .refine((a) => a.minReplicas <= a.maxReplicas, { message: 'minReplicas must be <= maxReplicas' });

const gateway = z.strictObject({
  /** Fixed replica count; with autoscaling on, the HorizontalPodAutoscaler owns the count instead. */
  replicas: z.number().int().min(1).max(100).default(2),
  resources: resources.default({ requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } }),
  autoscaling: autoscaling.default({
    enabled: true,
    minReplicas: 2,
    maxReplicas: 6,
    targetCpuUtilization: 70,
  }),
  serviceType: z.enum(['LoadBalancer', 'ClusterIP']).default('LoadBalancer'),
  /**
   * ADMIN_PORT: the admin API, console and /metrics on their own port, behind a ClusterIP-only Service
   * (`gateway-admin`); the public Service then serves the data plane only. null: one port for everything.
   */
  adminPort: z.number().int().min(1024).max(65535).nullable().default(9090),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  configPollMs: z.number().int().min(100).max(60_000).default(500),
  /** TRUST_PROXY_HOPS: proxies in front (a load balancer that appends X-Forwarded-For) whose entries are believed. */
  trustProxyHops: z.number().int().min(0).max(16).default(0),
  /** UPSTREAM_ALLOW: host names, IPs or CIDRs exempt from the gateway's SSRF guard. */
  upstreamAllow: z
    .array(z.string().regex(/^[^,\s]+$/, 'must be one host name, IP or CIDR (no commas or spaces)'))
    .default([]),
  /** LIMITS_ON_STORE_ERROR: with Redis down, `open` serves without limits, `closed` answers 503. */
  limitsOnStoreError: z.enum(['open', 'closed']).default('open'),
});

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/[^/]+/.test(v) && URL.canParse(v), 'must be a postgres://… URL');
const redisUrl = z
  .string()
  .refine((v) => /^rediss?:\/\//.test(v) && URL.canParse(v), 'must be redis://… or rediss://…');

/** Keys whose values are always treated as secrets (set them with `pulumi config set --secret`). */
export const secretConfigKeys = [
  'adminToken',
  'secretKey',
  'databasePassword',
  'databaseUrl',
  'redisUrl',
  'registryPassword',
  'buildSecrets',
] as const;

/** Keys holding a JSON object (Pulumi structured config); every other key is a plain string. */
export const objectConfigKeys = [
  'cluster',
  'images',
  'store',
  'gateway',
  'services',
  'buildSecrets',
  'gatewayObjects',
] as const;

export function stackConfigSchema(manifest: ImageManifest) {
  const samples = sampleServiceNames(manifest);
  return z.strictObject({
    namespace: dnsLabel.default('gateway-kit'),
    cluster: z.discriminatedUnion('mode', [existingCluster, eksCluster]).default({ mode: 'existing' }),
    images: z.discriminatedUnion('mode', [inStackImages, ciImagesSchema(manifest)]),
    store: z.discriminatedUnion('mode', [inClusterStore, managedStore]).default({
      mode: 'inCluster',
      postgresStorage: '10Gi',
      redisStorage: '1Gi',
      postgresImage: 'postgres:16-bookworm',
      redisImage: 'redis:7-bookworm',
    }),
    gateway: gateway.default(gateway.parse({})),
    services: z
      .array(z.enum(samples as [string, ...string[]]))
      .refine((list) => new Set(list).size === list.length, 'lists a service twice')
      .default(samples),
    adminToken: z.string().min(16, 'must be at least 16 characters'),
    /** SECRET_KEY: seals AI provider keys at rest; unset, the gateway derives it from the admin token. */
    secretKey: z.string().min(16, 'must be at least 16 characters').optional(),
    databasePassword: z
      .string()
      .regex(/^[^/@"\s]{12,128}$/, 'must be 12-128 characters without / @ " or spaces (an RDS rule)')
      .optional(),
    databaseUrl: postgresUrl.optional(),
    redisUrl: redisUrl.optional(),
    registryPassword: z.string().min(1).optional(),
    buildSecrets: z
      .record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must be a BuildKit secret id'), z.string())
      .default({}),
    // When set, the stack also declares the samples' tenant, APIs, plans and app through the admin API
    // (infra/gateway-objects), reached at adminUrl from where `pulumi up` runs. sampleUrls replaces a
    // sample's in-cluster URL as the gateway's pods reach it (a cluster without DNS: the e2e's node tier).
    gatewayObjects: z
      .strictObject({
        adminUrl: z.url({ protocol: /^https?$/ }),
        sampleUrls: z
          .partialRecord(z.enum(samples as [string, ...string[]]), z.url({ protocol: /^https?$/ }))
          .default({}),
      })
      .optional(),
  });
}

export type StackConfigInput = z.input<ReturnType<typeof stackConfigSchema>>;
export type ParsedStackConfig = z.output<ReturnType<typeof stackConfigSchema>>;
export type ClusterConfig = ParsedStackConfig['cluster'];
export type EksClusterConfig = Extract<ClusterConfig, { mode: 'eks' }>;
export type ImagesConfig = ParsedStackConfig['images'];
export type InStackImagesConfig = Extract<ImagesConfig, { mode: 'inStack' }>;
export type CiImagesConfig = Extract<ImagesConfig, { mode: 'ci' }>;
export type StoreConfig = ParsedStackConfig['store'];
export type GatewayConfig = ParsedStackConfig['gateway'];
