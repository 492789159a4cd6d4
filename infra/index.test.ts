// The real entry point, loaded the way `pulumi up` loads it, against the mock runtime.
import * as pulumi from '@pulumi/pulumi';
import { expect, test } from 'vitest';

test('index.ts reads the stack config and exports the stack outputs, kubeconfig only for EKS', async () => {
  const registered: string[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push(args.type);
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => {
        throw new Error(`unexpected invoke ${args.token}`);
      },
    },
    'gateway-kit',
    'dev',
  );
  const digest = (name: string) => `ghcr.io/acme/${name}@sha256:${'e'.repeat(64)}`;
  pulumi.runtime.setAllConfig(
    {
      'gateway-kit:adminToken': 'admin-token-0123456789abcdef',
      'gateway-kit:databasePassword': 'db-password-0123456789',
      'gateway-kit:images': JSON.stringify({
        mode: 'ci',
        gateway: digest('gateway'),
        echo: digest('echo'),
        'llm-mock': digest('llm-mock'),
      }),
      'gateway-kit:gateway': JSON.stringify({ serviceType: 'ClusterIP' }),
    },
    ['gateway-kit:adminToken', 'gateway-kit:databasePassword'],
  );
  const program = (await import('./index.js')).default;
  await pulumi.runtime.disconnect();

  const value = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));
  expect(await value(program.gatewayUrl)).toBe('http://gateway.gateway-kit.svc.cluster.local');
  expect(await value(program.images)).toEqual({
    gateway: digest('gateway'),
    echo: digest('echo'),
    'llm-mock': digest('llm-mock'),
  });
  expect(await pulumi.isSecret(program.adminToken)).toBe(true);
  expect(Object.keys(program).sort()).toEqual([
    'adminToken',
    'gatewayUrl',
    'images',
    'namespace',
    'sampleUrls',
  ]);
  expect(registered).toContain('kubernetes:apps/v1:Deployment');
  expect(registered).not.toContain('docker-build:index:Image');
});
