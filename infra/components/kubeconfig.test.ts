import { expect, test } from 'vitest';
import { renderKubeconfig } from './kubeconfig.js';

test('the EKS kubeconfig authenticates through aws eks get-token and is byte-stable', () => {
  const input = {
    clusterName: 'gk-dev',
    endpoint: 'https://x.eks.amazonaws.com',
    certificateAuthorityData: 'Q0E=',
    region: 'eu-west-1',
  };
  const text = renderKubeconfig(input);
  expect(
    renderKubeconfig({
      region: 'eu-west-1',
      certificateAuthorityData: 'Q0E=',
      endpoint: input.endpoint,
      clusterName: 'gk-dev',
    }),
  ).toBe(text);
  const config = JSON.parse(text);
  expect(Object.keys(config)).toEqual([
    'apiVersion',
    'clusters',
    'contexts',
    'current-context',
    'kind',
    'users',
  ]);
  expect(config['current-context']).toBe('gk-dev');
  expect(config.clusters).toEqual([
    {
      cluster: { 'certificate-authority-data': 'Q0E=', server: 'https://x.eks.amazonaws.com' },
      name: 'gk-dev',
    },
  ]);
  expect(config.users[0].user.exec).toEqual({
    apiVersion: 'client.authentication.k8s.io/v1beta1',
    args: ['eks', 'get-token', '--cluster-name', 'gk-dev', '--region', 'eu-west-1', '--output', 'json'],
    command: 'aws',
    interactiveMode: 'Never',
  });
});
