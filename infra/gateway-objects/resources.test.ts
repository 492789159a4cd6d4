// The gateway-object resources under Pulumi's mock runtime: types, inputs, and the secrets kept secret.
import * as pulumi from '@pulumi/pulumi';
import { expect, it } from 'vitest';

it('registers typed resources with the token and provider keys kept secret', async () => {
  const recorded: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    'gateway-kit',
    'dev',
  );
  const { Tenant, Api, AiProvider } = await import('./resources.js');
  const connection = { url: 'http://gw', token: pulumi.secret('t0ken-0123456789abcdef') };
  const tenant = new Tenant('samples', { connection, name: 'samples' });
  const api = new Api('echo', {
    connection,
    tenantId: tenant.id,
    name: 'Echo',
    basePath: '/echo',
    status: 'published',
  });
  new AiProvider('openai', {
    connection,
    tenantId: tenant.id,
    name: 'openai',
    type: 'openai',
    baseUrl: 'http://llm/v1',
    keys: [{ key: 'sk-abc' }],
  });
  const view = await new Promise((resolve) => api.id.apply(resolve));
  expect(view).toBe('echo-id');
  await new Promise((r) => setTimeout(r, 50));
  expect(recorded.map((r) => `${r.type} ${r.name}`)).toEqual([
    'pulumi-nodejs:dynamic/gateway-kit:Tenant samples',
    'pulumi-nodejs:dynamic/gateway-kit:Api echo',
    'pulumi-nodejs:dynamic/gateway-kit:AiProvider openai',
  ]);
  expect(recorded[1]!.inputs).toMatchObject({
    kind: 'api',
    status: 'published',
    body: { tenantId: 'samples-id', name: 'Echo', basePath: '/echo' },
  });
  expect(JSON.stringify(recorded[2]!.inputs.body)).toContain('4dabf18193072939515e22adb298388d');
  expect(JSON.stringify(recorded[0]!.inputs.connection)).toContain('4dabf18193072939515e22adb298388d');
});
