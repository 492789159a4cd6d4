// A sample backend (echo, llm-mock) as a Deployment and a ClusterIP Service.
import type * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import type { ImageEntry } from '../../image-manifest.js';
import {
  containerSecurity,
  httpProbe,
  labels,
  podSecurity,
  selectorLabels,
  tmpMount,
  tmpVolume,
} from './common.js';

/** The sample images are built from the same node base as the gateway, so they share its UID. */
const sampleUid = 1000;

export function sampleDeployment(
  namespace: string,
  entry: ImageEntry,
  image: pulumi.Input<string>,
): k8s.apps.v1.DeploymentArgs {
  return {
    metadata: { name: entry.name, namespace, labels: labels(entry.name, 'sample-backend') },
    spec: {
      replicas: 1,
      revisionHistoryLimit: 3,
      selector: { matchLabels: selectorLabels(entry.name) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: labels(entry.name, 'sample-backend') },
        spec: {
          automountServiceAccountToken: false,
          securityContext: podSecurity(sampleUid),
          containers: [
            {
              name: entry.name,
              image,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: entry.port, protocol: 'TCP' }],
              resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
              livenessProbe: httpProbe(entry.healthPath, 'http', { periodSeconds: 10, failureThreshold: 3 }),
              readinessProbe: httpProbe(entry.healthPath, 'http', { periodSeconds: 5, failureThreshold: 2 }),
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

export function sampleService(namespace: string, entry: ImageEntry): k8s.core.v1.ServiceArgs {
  return {
    metadata: { name: entry.name, namespace, labels: labels(entry.name, 'sample-backend') },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(entry.name),
      ports: [{ name: 'http', port: entry.port, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

/** The in-cluster URL the gateway (or an operator registering an API) uses to reach a sample. */
export function sampleUrl(namespace: string, entry: ImageEntry): string {
  return `http://${entry.name}.${namespace}.svc.cluster.local:${entry.port}`;
}
