// The samples' gateway objects declared in the stack: one `pulumi up` stands up the platform and its APIs.
import * as pulumi from '@pulumi/pulumi';
import { Api, App, Plan, Subscription, Tenant } from './resources.js';

export interface SampleApisArgs {
  /** The admin API as reached from where `pulumi up` runs, and the platform token. */
  connection: pulumi.Input<{ url: pulumi.Input<string>; token: pulumi.Input<string> }>;
  /** Sample service name → its in-cluster URL (what the gateway's pods forward to). */
  sampleUrls: Partial<Record<string, string>>;
}

export class SampleApis extends pulumi.ComponentResource {
  /** API name → id. */
  readonly apiIds: Record<string, pulumi.Output<string>> = {};
  /** The demo app's id: issue it a key with `gateway-kit keys create --app <id>`. */
  readonly appId: pulumi.Output<string>;

  constructor(name: string, args: SampleApisArgs, opts?: pulumi.ComponentResourceOptions) {
    super('gateway-kit:objects:SampleApis', name, {}, opts);
    const { connection } = args;
    const child = { parent: this };
    const tenant = new Tenant(`${name}-tenant`, { connection, name: 'samples' }, child);
    const app = new App(`${name}-app`, { connection, tenantId: tenant.id, name: 'demo' }, child);
    this.appId = app.id;
    const echoUrl = args.sampleUrls.echo;
    if (echoUrl) {
      const api = new Api(
        `${name}-echo`,
        {
          connection,
          tenantId: tenant.id,
          name: 'Echo',
          basePath: '/echo',
          targets: [{ url: echoUrl }],
          visibility: 'public',
          approval: 'manual',
          status: 'published',
        },
        child,
      );
      this.apiIds.Echo = api.id;
      new Plan(
        `${name}-echo-free`,
        {
          connection,
          apiId: api.id,
          name: 'free',
          rateLimit: { requestsPerSecond: 5, burst: 10 },
          quota: { requestsPerDay: 1000 },
        },
        child,
      );
      const gold = new Plan(
        `${name}-echo-gold`,
        { connection, apiId: api.id, name: 'gold', rateLimit: { requestsPerSecond: 100, burst: 200 } },
        child,
      );
      new Subscription(
        `${name}-demo-echo`,
        { connection, appId: app.id, apiId: api.id, planId: gold.id, status: 'approved' },
        child,
      );
    }
    this.registerOutputs({ apiIds: this.apiIds, appId: this.appId });
  }
}
