// The generated manifests, checked directly (no Pulumi runtime) and against the Kubernetes schemas.
import * as pulumi from '@pulumi/pulumi';
import { describe, expect, test } from 'vitest';
import { stackConfigSchema } from '../../config-schema.js';
import { readImageManifest } from '../../image-manifest.js';
import { validateKubernetesObject } from '../../testing/kubernetes-schemas.js';
import { sortKeys, stableJson } from './common.js';
import {
  gatewayAdminService,
  gatewayAutoscaler,
  gatewayDeployment,
  gatewayDisruptionBudget,
  gatewayService,
} from './gateway.js';
import { sampleDeployment } from './samples.js';
import { inClusterStoreUrls, postgresStatefulSet, redisStatefulSet, storeNetworkPolicy } from './store.js';

const manifest = readImageManifest();
const parsed = stackConfigSchema(manifest).parse({ adminToken: 'x'.repeat(16), images: { mode: 'ci' } });
const image = `ghcr.io/acme/gateway@sha256:${'c'.repeat(64)}`;
const deploymentArgs = (gateway = parsed.gateway) =>
  gatewayDeployment({
    namespace: 'gk',
    image,
    config: gateway,
    secretChecksum: '0123456789abcdef',
    secretEnv: ['ADMIN_TOKEN', 'DATABASE_URL', 'REDIS_URL'],
  });
const asObject = (apiVersion: string, kind: string, args: object) => ({ apiVersion, kind, ...args });

/** A JSON copy: the tests read deep into the args without restating the Kubernetes input types. */
type Json = ReturnType<typeof JSON.parse>;
const json = (value: object): Json => JSON.parse(JSON.stringify(value));

describe('gateway Deployment', () => {
  const spec = json(deploymentArgs()).spec;
  const pod = spec.template.spec;
  const container = pod.containers[0];

  test('rolls out without losing capacity and leaves the replica count to the HPA', () => {
    expect(spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    });
    expect(spec.replicas).toBeUndefined();
    const fixed = deploymentArgs({
      ...parsed.gateway,
      replicas: 4,
      autoscaling: { ...parsed.gateway.autoscaling, enabled: false },
    });
    expect(json(fixed).spec.replicas).toBe(4);
  });

  test('probes /healthz (liveness, startup) and /readyz (readiness) on the named port', () => {
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'admin', containerPort: 9090, protocol: 'TCP' },
    ]);
  });

  test('runs non-root with a read-only root filesystem and a writable /tmp', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
  });

  test('env is sorted; secrets come from the Secret, never as literal values', () => {
    expect(container.env.map((e: Json) => e.name)).toEqual([
      'ADMIN_PORT',
      'ADMIN_TOKEN',
      'CONFIG_POLL_MS',
      'DATABASE_URL',
      'LIMITS_ON_STORE_ERROR',
      'LOG_LEVEL',
      'PORT',
      'REDIS_URL',
      'TRUST_PROXY_HOPS',
      'UPSTREAM_ALLOW',
      'WORKERS',
    ]);
    const adminToken = container.env.find((e: Json) => e.name === 'ADMIN_TOKEN');
    expect(adminToken).toEqual({
      name: 'ADMIN_TOKEN',
      valueFrom: { secretKeyRef: { name: 'gateway-secrets', key: 'admin-token' } },
    });
  });

  test('TRUST_PROXY_HOPS, UPSTREAM_ALLOW and LIMITS_ON_STORE_ERROR come from gateway config', () => {
    const envValue = (env: Json[], name: string) => env.find((e: Json) => e.name === name)?.value;
    expect(envValue(container.env, 'TRUST_PROXY_HOPS')).toBe('0');
    expect(envValue(container.env, 'UPSTREAM_ALLOW')).toBe('');
    expect(envValue(container.env, 'LIMITS_ON_STORE_ERROR')).toBe('open');
    const set = json(
      deploymentArgs({
        ...parsed.gateway,
        trustProxyHops: 1,
        upstreamAllow: ['10.0.0.0/8', 'echo.internal'],
        limitsOnStoreError: 'closed',
      }),
    ).spec.template.spec.containers[0].env;
    expect(envValue(set, 'TRUST_PROXY_HOPS')).toBe('1');
    expect(envValue(set, 'UPSTREAM_ALLOW')).toBe('10.0.0.0/8,echo.internal');
    expect(envValue(set, 'LIMITS_ON_STORE_ERROR')).toBe('closed');
  });

  test('keeps the admin listener on a ClusterIP-only Service, or on the one port when adminPort is null', () => {
    expect(gatewayAdminService('gk', parsed.gateway)).toEqual({
      metadata: { name: 'gateway-admin', namespace: 'gk', labels: expect.any(Object) },
      spec: {
        type: 'ClusterIP',
        selector: expect.any(Object),
        ports: [{ name: 'admin', port: 9090, targetPort: 'admin', protocol: 'TCP' }],
      },
    });
    const single = { ...parsed.gateway, adminPort: null };
    expect(gatewayAdminService('gk', single)).toBeNull();
    const pod = json(deploymentArgs(single)).spec.template.spec;
    expect(pod.containers[0].env.map((e: Json) => e.name)).not.toContain('ADMIN_PORT');
    expect(pod.containers[0].ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
  });

  test('is scraped by Prometheus and carries the image by digest', () => {
    expect(spec.template.metadata.annotations).toEqual({
      'checksum/secret': '0123456789abcdef',
      'prometheus.io/path': '/metrics',
      'prometheus.io/port': '9090',
      'prometheus.io/scrape': 'true',
    });
    expect(container.image).toBe(image);
    expect(container.resources).toEqual({
      limits: { memory: '512Mi' },
      requests: { cpu: '250m', memory: '256Mi' },
    });
  });
});

describe('Kubernetes schemas', () => {
  const samples = manifest.images.filter((i) => i.name !== 'gateway');
  const volume = { size: '1Gi', storageClassName: 'gp3' };

  const cases: [apiVersion: string, kind: string, args: object][] = [
    ['apps/v1', 'Deployment', deploymentArgs()],
    ['v1', 'Service', gatewayService('gk', parsed.gateway)],
    ['v1', 'Service', gatewayAdminService('gk', parsed.gateway)!],
    ['policy/v1', 'PodDisruptionBudget', gatewayDisruptionBudget('gk')],
    ['autoscaling/v2', 'HorizontalPodAutoscaler', gatewayAutoscaler('gk', parsed.gateway)],
    ['apps/v1', 'StatefulSet', postgresStatefulSet('gk', 'postgres:16', volume)],
    ['apps/v1', 'StatefulSet', redisStatefulSet('gk', 'redis:7', volume)],
    ['networking.k8s.io/v1', 'NetworkPolicy', storeNetworkPolicy('gk', 'redis', 6379, { app: 'gateway' })],
    ...samples.map((s): [string, string, object] => [
      'apps/v1',
      'Deployment',
      sampleDeployment('gk', s, image),
    ]),
  ];
  test.each(cases)('%s %s validates', (apiVersion, kind, args) => {
    const type = `kubernetes:${apiVersion.includes('/') ? apiVersion : `core/${apiVersion}`}:${kind}`;
    expect(() => validateKubernetesObject(type, asObject(apiVersion, kind, args))).not.toThrow();
  });

  test('the validator rejects a wrong type, so the checks above can fail', () => {
    const broken = json(deploymentArgs());
    broken.spec.template.spec.containers[0].ports[0].containerPort = '8080';
    expect(() =>
      validateKubernetesObject('kubernetes:apps/v1:Deployment', asObject('apps/v1', 'Deployment', broken)),
    ).toThrow(/containerPort must be integer/);
    expect(() => validateKubernetesObject('kubernetes:batch/v1:Job', {})).toThrow(
      'no Kubernetes schema registered for kubernetes:batch/v1:Job',
    );
  });
});

test('the store accepts connections from the gateway pods only', () => {
  expect(
    json(storeNetworkPolicy('gk', 'postgres', 5432, { 'app.kubernetes.io/name': 'gateway' })).spec,
  ).toEqual({
    podSelector: {
      matchLabels: { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/part-of': 'gateway-kit' },
    },
    policyTypes: ['Ingress'],
    ingress: [
      {
        from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway' } } }],
        ports: [{ protocol: 'TCP', port: 5432 }],
      },
    ],
  });
});

describe('deterministic output', () => {
  test('stableJson does not depend on key insertion order', () => {
    expect(stableJson({ b: 1, a: { d: [{ y: 1, x: 2 }], c: 3 } })).toBe(
      stableJson({ a: { c: 3, d: [{ x: 2, y: 1 }] }, b: 1 }),
    );
    expect(stableJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  test('sortKeys keeps Pulumi Outputs intact', () => {
    const output = pulumi.output('x');
    const sorted = sortKeys({ z: output, a: 1 });
    expect(Object.keys(sorted)).toEqual(['a', 'z']);
    expect(sorted.z).toBe(output);
  });

  test('store URLs percent-encode the password', () => {
    expect(inClusterStoreUrls('gk', 'p@ss/word')).toEqual({
      databaseUrl: 'postgres://gateway:p%40ss%2Fword@postgres.gk.svc.cluster.local:5432/gateway',
      redisUrl: 'redis://redis.gk.svc.cluster.local:6379',
    });
  });
});
