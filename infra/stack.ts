// The whole program as one function of the parsed config: index.ts calls it, and so do the tests.
import * as pulumi from '@pulumi/pulumi';
import { Cluster } from './components/cluster.js';
import { GatewayPlatform, type PlatformStore } from './components/gateway-platform.js';
import { ManagedStore } from './components/managed-store.js';
import { ServiceImages } from './components/service-images.js';
import type { StackConfig } from './config.js';
import { SampleApis } from './gateway-objects/sample-apis.js';
import { gatewayImageName, type ImageManifest } from './image-manifest.js';

export type StackOutputs = {
  gatewayUrl: pulumi.Output<string>;
  /** name → the digest-pinned ref deployed. */
  images: pulumi.Output<Record<string, string>>;
  /** The admin token, kept secret in the outputs. */
  adminToken: pulumi.Output<string>;
  namespace: string;
  sampleUrls: Record<string, string>;
  /** The EKS kubeconfig (secret); absent for an existing cluster. */
  kubeconfig?: pulumi.Output<string>;
};

function storeFor(config: StackConfig, cluster: Cluster): PlatformStore {
  const { store, secrets } = config;
  if (store.mode === 'inCluster') {
    return {
      kind: 'inCluster',
      password: secrets.databasePassword!,
      postgresImage: store.postgresImage,
      redisImage: store.redisImage,
      postgresStorage: store.postgresStorage,
      redisStorage: store.redisStorage,
      storageClassName: store.storageClassName ?? cluster.storageClassName,
    };
  }
  if (cluster.network) {
    const managed = new ManagedStore('store', {
      config: store,
      network: cluster.network,
      password: secrets.databasePassword!,
    });
    return { kind: 'external', databaseUrl: managed.databaseUrl, redisUrl: managed.redisUrl };
  }
  // Managed store on an existing cluster: the URLs were given as secrets (checked at config parse).
  return { kind: 'external', databaseUrl: secrets.databaseUrl!, redisUrl: secrets.redisUrl! };
}

export function deployGatewayKit(
  config: StackConfig,
  manifest: ImageManifest,
  repoRoot: string,
): StackOutputs {
  const stack = pulumi.getStack();
  const cluster = new Cluster('cluster', {
    config: config.cluster,
    clusterName: `${config.project}-${stack}`,
  });

  const deployed = manifest.images.filter(
    (image) => image.name === gatewayImageName || config.services.includes(image.name),
  );
  const images = new ServiceImages('images', {
    images: config.images,
    entries: deployed,
    repoRoot,
    useEcr: config.cluster.mode === 'eks' && !(config.images.mode === 'inStack' && config.images.registry),
    project: config.project,
    stack,
    buildSecrets: config.secrets.buildSecrets,
    ...(config.secrets.registryPassword ? { registryPassword: config.secrets.registryPassword } : {}),
  });

  const platform = new GatewayPlatform(
    'platform',
    {
      namespace: config.namespace,
      gateway: config.gateway,
      adminToken: config.secrets.adminToken,
      ...(config.secrets.secretKey ? { secretKey: config.secrets.secretKey } : {}),
      store: storeFor(config, cluster),
      images: images.refs,
      samples: deployed.filter((image) => image.name !== gatewayImageName),
    },
    {
      ...(cluster.provider ? { providers: { kubernetes: cluster.provider } } : {}),
      dependsOn: [cluster],
    },
  );

  const sampleApis =
    config.gatewayObjects &&
    new SampleApis(
      'samples',
      {
        connection: pulumi
          .output(config.secrets.adminToken)
          .apply((token) => ({ url: config.gatewayObjects!.adminUrl, token })),
        sampleUrls: { ...platform.sampleUrls, ...config.gatewayObjects.sampleUrls },
      },
      { dependsOn: [platform] },
    );

  return {
    gatewayUrl: platform.gatewayUrl,
    images: pulumi.output(images.refs),
    adminToken: config.secrets.adminToken,
    namespace: config.namespace,
    sampleUrls: platform.sampleUrls,
    // The samples' demo app: issue it a key with `gateway-kit keys create --app <id>`.
    ...(sampleApis ? { sampleAppId: sampleApis.appId } : {}),
    ...(cluster.kubeconfig ? { kubeconfig: cluster.kubeconfig } : {}),
  };
}
