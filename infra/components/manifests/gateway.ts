// The gateway's Kubernetes objects as plain args: Deployment, Service, PodDisruptionBudget, HPA, Secret.
import type * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import type { GatewayConfig } from '../../config-schema.js';
import {
  containerSecurity,
  httpProbe,
  labels,
  podSecurity,
  selectorLabels,
  sortedEnv,
  sortKeys,
  tmpMount,
  tmpVolume,
} from './common.js';

export const gatewayName = 'gateway';
export const gatewaySecretName = 'gateway-secrets';
export const gatewayPort = 8080;
/** The ClusterIP-only Service of the admin listener (config `gateway.adminPort`). */
export const gatewayAdminName = 'gateway-admin';
/** The `node` user of node:24-bookworm-slim, which the gateway image runs as. */
export const gatewayUid = 1000;
/** The gateway drains for SHUTDOWN_GRACE_MS (10 s by default); Kubernetes must wait a little longer. */
const terminationGraceSeconds = 15;

/** Keys of the gateway Secret, mapped to the env vars that read them. */
export const gatewaySecretKeys = {
  ADMIN_TOKEN: 'admin-token',
  DATABASE_URL: 'database-url',
  REDIS_URL: 'redis-url',
  SECRET_KEY: 'secret-key',
} as const;

type GatewaySecretEnv = keyof typeof gatewaySecretKeys;
/** SECRET_KEY is optional: unset, the gateway derives its sealing key from the admin token. */
export type GatewaySecretData = Record<Exclude<GatewaySecretEnv, 'SECRET_KEY'>, pulumi.Input<string>> & {
  SECRET_KEY?: pulumi.Input<string>;
};

/** The env vars the Secret holds a value for, in a stable order. */
export function gatewaySecretEnv(data: GatewaySecretData): GatewaySecretEnv[] {
  return (Object.keys(gatewaySecretKeys) as GatewaySecretEnv[]).filter((env) => data[env] !== undefined);
}

export function gatewaySecret(namespace: string, data: GatewaySecretData): k8s.core.v1.SecretArgs {
  return {
    metadata: { name: gatewaySecretName, namespace, labels: labels(gatewayName, 'gateway') },
    type: 'Opaque',
    stringData: sortKeys(
      Object.fromEntries(
        gatewaySecretEnv(data).map((env): [string, pulumi.Input<string>] => [
          gatewaySecretKeys[env],
          data[env]!,
        ]),
      ),
    ),
  };
}

export type GatewayDeploymentInput = {
  namespace: string;
  image: pulumi.Input<string>;
  config: GatewayConfig;
  /** A hash of the Secret's data: a changed admin token or store URL rolls the pods. */
  secretChecksum: pulumi.Input<string>;
  /** The env vars read from the gateway Secret (gatewaySecretEnv of its data). */
  secretEnv: readonly GatewaySecretEnv[];
};

export function gatewayDeployment(input: GatewayDeploymentInput): k8s.apps.v1.DeploymentArgs {
  const { namespace, image, config, secretChecksum } = input;
  const secretEnv = input.secretEnv.map((name) => ({
    name,
    valueFrom: { secretKeyRef: { name: gatewaySecretName, key: gatewaySecretKeys[name] } },
  }));
  return {
    metadata: { name: gatewayName, namespace, labels: labels(gatewayName, 'gateway') },
    spec: {
      // With autoscaling on, the HPA owns the replica count; setting it here would undo its work on every deploy.
      ...(config.autoscaling.enabled ? {} : { replicas: config.replicas }),
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(gatewayName) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels: labels(gatewayName, 'gateway'),
          annotations: sortKeys({
            'checksum/secret': secretChecksum,
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(config.adminPort ?? gatewayPort),
            'prometheus.io/path': '/metrics',
          }),
        },
        spec: {
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: terminationGraceSeconds,
          securityContext: podSecurity(gatewayUid),
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selectorLabels(gatewayName) },
            },
          ],
          containers: [
            {
              name: gatewayName,
              image,
              imagePullPolicy: 'IfNotPresent',
              ports: [
                { name: 'http', containerPort: gatewayPort, protocol: 'TCP' },
                ...(config.adminPort === null
                  ? []
                  : [{ name: 'admin', containerPort: config.adminPort, protocol: 'TCP' }]),
              ],
              env: sortedEnv([
                { name: 'PORT', value: String(gatewayPort) },
                ...(config.adminPort === null
                  ? []
                  : [{ name: 'ADMIN_PORT', value: String(config.adminPort) }]),
                { name: 'LOG_LEVEL', value: config.logLevel },
                { name: 'CONFIG_POLL_MS', value: String(config.configPollMs) },
                { name: 'TRUST_PROXY_HOPS', value: String(config.trustProxyHops) },
                { name: 'UPSTREAM_ALLOW', value: config.upstreamAllow.join(',') },
                { name: 'LIMITS_ON_STORE_ERROR', value: config.limitsOnStoreError },
                // Scale with pods, one worker each: docs/performance.md "More workers or more pods?".
                { name: 'WORKERS', value: '1' },
                ...secretEnv,
              ]),
              resources: sortKeys({ requests: config.resources.requests, limits: config.resources.limits }),
              startupProbe: httpProbe('/healthz', 'http', { periodSeconds: 2, failureThreshold: 30 }),
              livenessProbe: httpProbe('/healthz', 'http', { periodSeconds: 10, failureThreshold: 3 }),
              readinessProbe: httpProbe('/readyz', 'http', { periodSeconds: 5, failureThreshold: 2 }),
              securityContext: containerSecurity,
              volumeMounts: [tmpMount],
            },
          ],
          volumes: [tmpVolume],
        },
      },
    },
  };
}

export function gatewayService(namespace: string, config: GatewayConfig): k8s.core.v1.ServiceArgs {
  return {
    metadata: { name: gatewayName, namespace, labels: labels(gatewayName, 'gateway') },
    spec: {
      type: config.serviceType,
      selector: selectorLabels(gatewayName),
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

/** The admin listener's Service: ClusterIP only, never a load balancer (reach it with kubectl port-forward). */
export function gatewayAdminService(
  namespace: string,
  config: GatewayConfig,
): k8s.core.v1.ServiceArgs | null {
  if (config.adminPort === null) return null;
  return {
    metadata: { name: gatewayAdminName, namespace, labels: labels(gatewayAdminName, 'gateway') },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(gatewayName),
      ports: [{ name: 'admin', port: config.adminPort, targetPort: 'admin', protocol: 'TCP' }],
    },
  };
}

export function gatewayDisruptionBudget(namespace: string): k8s.policy.v1.PodDisruptionBudgetArgs {
  return {
    metadata: { name: gatewayName, namespace, labels: labels(gatewayName, 'gateway') },
    // maxUnavailable rather than minAvailable: with a single replica a drain can still proceed.
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(gatewayName) } },
  };
}

export function gatewayAutoscaler(
  namespace: string,
  config: GatewayConfig,
): k8s.autoscaling.v2.HorizontalPodAutoscalerArgs {
  return {
    metadata: { name: gatewayName, namespace, labels: labels(gatewayName, 'gateway') },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: gatewayName },
      minReplicas: config.autoscaling.minReplicas,
      maxReplicas: config.autoscaling.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: config.autoscaling.targetCpuUtilization },
          },
        },
      ],
    },
  };
}
