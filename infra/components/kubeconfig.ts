// Pure: the kubeconfig for an EKS cluster, authenticating with `aws eks get-token` (no static credentials).
import { stableJson } from './manifests/common.js';

export type KubeconfigInput = {
  clusterName: string;
  endpoint: string;
  certificateAuthorityData: string;
  region: string;
};

/** Sorted-key JSON: the same cluster always yields the same string, so the provider shows no diff. */
export function renderKubeconfig(input: KubeconfigInput): string {
  const { clusterName: name, endpoint, certificateAuthorityData, region } = input;
  return stableJson({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name, cluster: { server: endpoint, 'certificate-authority-data': certificateAuthorityData } },
    ],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    users: [
      {
        name,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: 'aws',
            args: ['eks', 'get-token', '--cluster-name', name, '--region', region, '--output', 'json'],
            interactiveMode: 'Never',
          },
        },
      },
    ],
  });
}
