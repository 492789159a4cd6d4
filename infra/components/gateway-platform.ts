// GatewayPlatform: the namespace, the gateway and its Secret, the store (in-cluster or given) and the samples.
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { GatewayConfig } from '../config-schema.js';
import type { ImageEntry } from '../image-manifest.js';
import { labels, selectorLabels, sha256, stableJson } from './manifests/common.js';
import {
  gatewayAdminService,
  gatewayAutoscaler,
  gatewayDeployment,
  gatewayDisruptionBudget,
  gatewayName,
  gatewaySecret,
  gatewaySecretEnv,
  gatewayService,
} from './manifests/gateway.js';
import { sampleDeployment, sampleService, sampleUrl } from './manifests/samples.js';
import {
  inClusterStoreUrls,
  postgresCredentials,
  postgresName,
  postgresService,
  postgresStatefulSet,
  redisName,
  redisService,
  redisStatefulSet,
  storeNetworkPolicy,
} from './manifests/store.js';

/** Where the gateway's PostgreSQL and Redis come from. */
export type PlatformStore =
  | {
      kind: 'inCluster';
      password: pulumi.Output<string>;
      postgresImage: string;
      redisImage: string;
      postgresStorage: string;
      redisStorage: string;
      /** The cluster default when undefined. */
      storageClassName: string | undefined;
    }
  | { kind: 'external'; databaseUrl: pulumi.Output<string>; redisUrl: pulumi.Output<string> };

export interface GatewayPlatformArgs {
  /** Namespace every object lives in (created by this component). */
  namespace: string;
  gateway: GatewayConfig;
  /** The admin token, a Pulumi secret; it reaches the pods only through a Kubernetes Secret. */
  adminToken: pulumi.Output<string>;
  /** SECRET_KEY (a Pulumi secret), when the stack sets one. */
  secretKey?: pulumi.Output<string>;
  store: PlatformStore;
  /** Digest-pinned image ref per image name (gateway plus each sample deployed). */
  images: Readonly<Record<string, pulumi.Input<string>>>;
  /** The sample services to deploy, as manifest entries. */
  samples: readonly ImageEntry[];
}

export class GatewayPlatform extends pulumi.ComponentResource {
  /** http://<load balancer> for a LoadBalancer Service, the in-cluster URL for ClusterIP. */
  readonly gatewayUrl: pulumi.Output<string>;
  readonly sampleUrls: Record<string, string>;

  constructor(name: string, args: GatewayPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super('gateway-kit:index:GatewayPlatform', name, {}, opts);
    const parent = { parent: this };
    const ns = args.namespace;

    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: ns, labels: labels('gateway-kit', 'namespace') } },
      parent,
    );
    const inNamespace = { parent: this, dependsOn: [namespace] };

    const store = this.createStore(name, args, inNamespace);
    const secretData = {
      ADMIN_TOKEN: args.adminToken,
      DATABASE_URL: store.databaseUrl,
      REDIS_URL: store.redisUrl,
      ...(args.secretKey === undefined ? {} : { SECRET_KEY: args.secretKey }),
    };
    const secret = new k8s.core.v1.Secret(
      `${name}-gateway-secret`,
      gatewaySecret(ns, secretData),
      inNamespace,
    );
    // A truncated digest of the secret values rolls the pods when one changes. It is deliberately not a
    // secret: a secret annotation makes Pulumi hide the whole Deployment spec, image refs included, in diffs.
    const secretChecksum = pulumi.unsecret(
      pulumi.all(secretData).apply((values) => sha256(stableJson(values)).slice(0, 16)),
    );

    const gatewayImage = args.images[gatewayName];
    if (gatewayImage === undefined) throw new Error('GatewayPlatform: no gateway image ref');
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-gateway`,
      gatewayDeployment({
        namespace: ns,
        image: gatewayImage,
        config: args.gateway,
        secretChecksum,
        secretEnv: gatewaySecretEnv(secretData),
      }),
      { parent: this, dependsOn: [secret, ...store.dependencies] },
    );
    new k8s.policy.v1.PodDisruptionBudget(`${name}-gateway-pdb`, gatewayDisruptionBudget(ns), inNamespace);
    if (args.gateway.autoscaling.enabled) {
      new k8s.autoscaling.v2.HorizontalPodAutoscaler(
        `${name}-gateway-hpa`,
        gatewayAutoscaler(ns, args.gateway),
        {
          parent: this,
          dependsOn: [deployment],
        },
      );
    }
    const service = new k8s.core.v1.Service(`${name}-gateway-service`, gatewayService(ns, args.gateway), {
      parent: this,
      dependsOn: [namespace],
    });

    const adminService = gatewayAdminService(ns, args.gateway);
    if (adminService)
      new k8s.core.v1.Service(`${name}-gateway-admin-service`, adminService, {
        parent: this,
        dependsOn: [namespace],
      });

    this.sampleUrls = {};
    for (const entry of args.samples) {
      const image = args.images[entry.name];
      if (image === undefined) throw new Error(`GatewayPlatform: no image ref for ${entry.name}`);
      new k8s.apps.v1.Deployment(`${name}-${entry.name}`, sampleDeployment(ns, entry, image), inNamespace);
      new k8s.core.v1.Service(`${name}-${entry.name}-service`, sampleService(ns, entry), inNamespace);
      this.sampleUrls[entry.name] = sampleUrl(ns, entry);
    }

    this.gatewayUrl =
      args.gateway.serviceType === 'LoadBalancer'
        ? service.status.loadBalancer.ingress.apply((ingress) => {
            const first = ingress?.[0];
            return `http://${first?.hostname || first?.ip || 'pending'}`;
          })
        : pulumi.output(`http://${gatewayName}.${ns}.svc.cluster.local`);
    this.registerOutputs({ gatewayUrl: this.gatewayUrl, sampleUrls: this.sampleUrls });
  }

  private createStore(
    name: string,
    args: GatewayPlatformArgs,
    opts: pulumi.CustomResourceOptions,
  ): {
    databaseUrl: pulumi.Output<string>;
    redisUrl: pulumi.Output<string>;
    dependencies: pulumi.Resource[];
  } {
    const { store, namespace: ns } = args;
    if (store.kind === 'external')
      return { databaseUrl: store.databaseUrl, redisUrl: store.redisUrl, dependencies: [] };
    const volume = (size: string) => ({ size, storageClassName: store.storageClassName });
    const credentials = new k8s.core.v1.Secret(
      `${name}-postgres-credentials`,
      postgresCredentials(ns, store.password),
      opts,
    );
    const postgresSvc = new k8s.core.v1.Service(`${name}-postgres-service`, postgresService(ns), opts);
    const postgres = new k8s.apps.v1.StatefulSet(
      `${name}-postgres`,
      postgresStatefulSet(ns, store.postgresImage, volume(store.postgresStorage)),
      { ...opts, dependsOn: [credentials, postgresSvc] },
    );
    const redisSvc = new k8s.core.v1.Service(`${name}-redis-service`, redisService(ns), opts);
    const redis = new k8s.apps.v1.StatefulSet(
      `${name}-redis`,
      redisStatefulSet(ns, store.redisImage, volume(store.redisStorage)),
      { ...opts, dependsOn: [redisSvc] },
    );
    for (const [storeName, port] of [
      [postgresName, 5432],
      [redisName, 6379],
    ] as const) {
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${storeName}-policy`,
        storeNetworkPolicy(ns, storeName, port, selectorLabels(gatewayName)),
        opts,
      );
    }
    const urls = store.password.apply((password) => inClusterStoreUrls(ns, password));
    return {
      databaseUrl: pulumi.secret(urls.databaseUrl),
      redisUrl: urls.redisUrl,
      dependencies: [postgres, redis],
    };
  }
}
