// The gateway-object resources under Pulumi's mock runtime: types, inputs, and the secrets kept secret.
import * as pulumi from '@pulumi/pulumi';
import { expect, it } from 'vitest';

it('registers typed resources with the token, provider keys and API settings kept secret', async () => {
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
    settings: { cors: { origins: ['https://app.example.com'] } },
  });
  new AiProvider('openai', {
    connection,
    tenantId: tenant.id,
    name: 'openai',
    type: 'openai',
    baseUrl: 'http://llm/v1',
    keys: [{ key: 'sk-abc' }],
  });
  new Api('signed', {
    connection,
    tenantId: tenant.id,
    name: 'Signed',
    basePath: '/signed',
    auth: 'jwt',
    settings: { jwt: { issuers: ['https://idp'], sharedSecret: 'hs256-shared-secret-value' } },
  });
  const view = await new Promise((resolve) => api.id.apply(resolve));
  expect(view).toBe('echo-id');
  await new Promise((r) => setTimeout(r, 50));
  // Registration order follows output resolution: compared as a set, records looked up by name.
  const byName = (name: string) => recorded.find((r) => r.name === name)!;
  expect(recorded.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
    'pulumi-nodejs:dynamic/gateway-kit:AiProvider openai',
    'pulumi-nodejs:dynamic/gateway-kit:Api echo',
    'pulumi-nodejs:dynamic/gateway-kit:Api signed',
    'pulumi-nodejs:dynamic/gateway-kit:Tenant samples',
  ]);
  expect(byName('echo').inputs).toMatchObject({
    kind: 'api',
    status: 'published',
    body: { tenantId: 'samples-id', name: 'Echo', basePath: '/echo' },
  });
  expect(JSON.stringify(byName('openai').inputs.body)).toContain('4dabf18193072939515e22adb298388d');
  // Settings without a secret stay readable; settings with one make the API's body a secret.
  expect(byName('echo').inputs.body).toMatchObject({
    settings: { cors: { origins: ['https://app.example.com'] } },
  });
  expect(JSON.stringify(byName('signed').inputs.body)).toContain('4dabf18193072939515e22adb298388d');
  expect(JSON.stringify(byName('samples').inputs.connection)).toContain('4dabf18193072939515e22adb298388d');
});
