// Shared pieces of the generated Kubernetes manifests: labels, security contexts, stable serialisation.
import { createHash } from 'node:crypto';
import type * as k8s from '@pulumi/kubernetes';

export const partOf = 'gateway-kit';

/** Selector labels: only the stable ones, since a Deployment's selector cannot change after creation. */
export function selectorLabels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': partOf };
}

export function labels(name: string, component: string): Record<string, string> {
  return sortKeys({
    ...selectorLabels(name),
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/managed-by': 'pulumi',
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Recursively sorted object keys, so anything serialised from it is byte-for-byte stable. Only plain
 * objects are rebuilt: a Pulumi Output (or any class instance) inside is kept as it is.
 */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => sortKeys(item)) as T;
  if (isPlainObject(value)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([key, inner]) => [key, sortKeys(inner)])) as T;
  }
  return value;
}

/** JSON with sorted keys: generated config strings stay identical between deploys (no false diffs). */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

type EnvVar = k8s.types.input.core.v1.EnvVar;

/** Env vars sorted by name: the order of a list is part of the diff, the order of config is not. */
export function sortedEnv(env: readonly EnvVar[]): EnvVar[] {
  return [...env].sort((a, b) => (String(a.name) < String(b.name) ? -1 : 1));
}

/** Pod-level hardening: non-root with a fixed numeric UID (runAsNonRoot cannot verify a user *name*). */
export function podSecurity(uid: number): k8s.types.input.core.v1.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level hardening: read-only root, no privilege escalation, no Linux capabilities. */
export const containerSecurity: k8s.types.input.core.v1.SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
};

/** A writable /tmp for images that run with a read-only root filesystem. */
export const tmpVolume: k8s.types.input.core.v1.Volume = { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } };
export const tmpMount: k8s.types.input.core.v1.VolumeMount = { name: 'tmp', mountPath: '/tmp' };

export function httpProbe(
  path: string,
  port: string,
  timing: { periodSeconds: number; failureThreshold: number; initialDelaySeconds?: number },
): k8s.types.input.core.v1.Probe {
  return { httpGet: { path, port }, timeoutSeconds: 2, ...timing };
}
