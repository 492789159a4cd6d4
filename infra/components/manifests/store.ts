// The in-cluster store: PostgreSQL and Redis as single-replica StatefulSets with persistent volumes.
import type * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import {
  containerSecurity,
  labels,
  podSecurity,
  selectorLabels,
  sortedEnv,
  tmpMount,
  tmpVolume,
} from './common.js';

/** Both official images run as the `postgres` / `redis` user, UID 999. */
const storeUid = 999;
export const postgresName = 'postgres';
export const redisName = 'redis';
export const postgresCredentialsName = 'postgres-credentials';
export const databaseName = 'gateway';
export const databaseUser = 'gateway';

export type VolumeSpec = { size: string; storageClassName: string | undefined };

function headlessService(name: string, namespace: string, port: number): k8s.core.v1.ServiceArgs {
  return {
    metadata: { name, namespace, labels: labels(name, 'store') },
    spec: {
      clusterIP: 'None',
      selector: selectorLabels(name),
      ports: [{ name, port, targetPort: name, protocol: 'TCP' }],
    },
  };
}

function volumeClaim(volume: VolumeSpec): k8s.types.input.core.v1.PersistentVolumeClaim {
  return {
    metadata: { name: 'data' },
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...(volume.storageClassName ? { storageClassName: volume.storageClassName } : {}),
      resources: { requests: { storage: volume.size } },
    },
  };
}

export function postgresCredentials(
  namespace: string,
  password: pulumi.Input<string>,
): k8s.core.v1.SecretArgs {
  return {
    metadata: { name: postgresCredentialsName, namespace, labels: labels(postgresName, 'store') },
    type: 'Opaque',
    stringData: { password },
  };
}

export const postgresService = (namespace: string) => headlessService(postgresName, namespace, 5432);
export const redisService = (namespace: string) => headlessService(redisName, namespace, 6379);

export function postgresStatefulSet(
  namespace: string,
  image: string,
  volume: VolumeSpec,
): k8s.apps.v1.StatefulSetArgs {
  const readyCommand = ['pg_isready', '-U', databaseUser, '-d', databaseName, '-h', '127.0.0.1'];
  return {
    metadata: { name: postgresName, namespace, labels: labels(postgresName, 'store') },
    spec: {
      serviceName: postgresName,
      replicas: 1,
      selector: { matchLabels: selectorLabels(postgresName) },
      template: {
        metadata: { labels: labels(postgresName, 'store') },
        spec: {
          automountServiceAccountToken: false,
          securityContext: podSecurity(storeUid),
          containers: [
            {
              name: postgresName,
              image,
              ports: [{ name: postgresName, containerPort: 5432, protocol: 'TCP' }],
              env: sortedEnv([
                { name: 'POSTGRES_USER', value: databaseUser },
                { name: 'POSTGRES_DB', value: databaseName },
                // A sub-directory: the volume's root holds lost+found, which initdb refuses.
                { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
                {
                  name: 'POSTGRES_PASSWORD',
                  valueFrom: { secretKeyRef: { name: postgresCredentialsName, key: 'password' } },
                },
              ]),
              resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
              readinessProbe: { exec: { command: readyCommand }, periodSeconds: 5, failureThreshold: 3 },
              livenessProbe: { exec: { command: readyCommand }, periodSeconds: 15, failureThreshold: 4 },
              securityContext: containerSecurity,
              volumeMounts: [
                { name: 'data', mountPath: '/var/lib/postgresql/data' },
                // The root filesystem is read-only; the server writes its socket and lock file here.
                { name: 'run', mountPath: '/var/run/postgresql' },
                tmpMount,
              ],
            },
          ],
          volumes: [{ name: 'run', emptyDir: {} }, tmpVolume],
        },
      },
      volumeClaimTemplates: [volumeClaim(volume)],
    },
  };
}

export function redisStatefulSet(
  namespace: string,
  image: string,
  volume: VolumeSpec,
): k8s.apps.v1.StatefulSetArgs {
  const readyCommand = ['redis-cli', 'ping'];
  return {
    metadata: { name: redisName, namespace, labels: labels(redisName, 'store') },
    spec: {
      serviceName: redisName,
      replicas: 1,
      selector: { matchLabels: selectorLabels(redisName) },
      template: {
        metadata: { labels: labels(redisName, 'store') },
        spec: {
          automountServiceAccountToken: false,
          securityContext: podSecurity(storeUid),
          containers: [
            {
              name: redisName,
              image,
              // Append-only file on the volume: counters survive a pod restart.
              args: ['--appendonly', 'yes', '--dir', '/data'],
              ports: [{ name: redisName, containerPort: 6379, protocol: 'TCP' }],
              resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
              readinessProbe: { exec: { command: readyCommand }, periodSeconds: 5, failureThreshold: 3 },
              livenessProbe: { exec: { command: readyCommand }, periodSeconds: 15, failureThreshold: 4 },
              securityContext: containerSecurity,
              volumeMounts: [{ name: 'data', mountPath: '/data' }, tmpMount],
            },
          ],
          volumes: [tmpVolume],
        },
      },
      volumeClaimTemplates: [volumeClaim(volume)],
    },
  };
}

/** The URLs the gateway uses for the in-cluster store (the password is percent-encoded). */
export function inClusterStoreUrls(
  namespace: string,
  password: string,
): { databaseUrl: string; redisUrl: string } {
  const host = (name: string) => `${name}.${namespace}.svc.cluster.local`;
  return {
    databaseUrl: `postgres://${databaseUser}:${encodeURIComponent(password)}@${host(postgresName)}:5432/${databaseName}`,
    redisUrl: `redis://${host(redisName)}:6379`,
  };
}

/**
 * Only the gateway may reach the store: the in-cluster Redis has no password, so the network is its lock.
 * Enforced where the CNI implements NetworkPolicy (on EKS, the VPC CNI with network policy enabled).
 */
export function storeNetworkPolicy(
  namespace: string,
  name: typeof postgresName | typeof redisName,
  port: number,
  clientLabels: Record<string, string>,
): k8s.networking.v1.NetworkPolicyArgs {
  return {
    metadata: { name: `${name}-clients`, namespace, labels: labels(name, 'store') },
    spec: {
      podSelector: { matchLabels: selectorLabels(name) },
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ podSelector: { matchLabels: clientLabels } }], ports: [{ protocol: 'TCP', port }] },
      ],
    },
  };
}
