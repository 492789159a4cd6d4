// ManagedStore: RDS PostgreSQL and ElastiCache Redis inside the EKS VPC, reachable only from the VPC.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { StoreConfig } from '../config-schema.js';
import { databaseName, databaseUser } from './manifests/store.js';
import type { Network } from './network.js';

export interface ManagedStoreArgs {
  config: Extract<StoreConfig, { mode: 'managed' }>;
  network: Network;
  /** The RDS master password, a Pulumi secret. */
  password: pulumi.Output<string>;
}

/** Pure: the gateway's DATABASE_URL for an RDS endpoint. */
export function rdsDatabaseUrl(address: string, port: number, password: string): string {
  // RDS forces TLS; its CA is not in Node's trust store, so the connection is encrypted but unverified
  // (traffic never leaves the VPC). Ship the RDS CA bundle in the image to move to verify-full.
  return `postgres://${databaseUser}:${encodeURIComponent(password)}@${address}:${port}/${databaseName}?sslmode=no-verify`;
}

export class ManagedStore extends pulumi.ComponentResource {
  readonly databaseUrl: pulumi.Output<string>;
  readonly redisUrl: pulumi.Output<string>;

  constructor(name: string, args: ManagedStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super('gateway-kit:index:ManagedStore', name, {}, opts);
    const parent = { parent: this };
    const { config, network } = args;
    const fromVpc = (port: number) => ({
      protocol: 'tcp',
      fromPort: port,
      toPort: port,
      cidrBlocks: [network.vpcCidr],
    });
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: network.vpcId,
        description: 'gateway-kit store: PostgreSQL and Redis from inside the VPC',
        ingress: [fromVpc(5432), fromVpc(6379)],
        egress: [],
      },
      parent,
    );

    const dbSubnets = new aws.rds.SubnetGroup(`${name}-db`, { subnetIds: network.privateSubnetIds }, parent);
    const database = new aws.rds.Instance(
      `${name}-postgres`,
      {
        engine: 'postgres',
        engineVersion: config.postgresVersion,
        instanceClass: config.instanceClass,
        allocatedStorage: config.allocatedStorageGb,
        storageType: 'gp3',
        storageEncrypted: true,
        dbName: databaseName,
        username: databaseUser,
        password: args.password,
        dbSubnetGroupName: dbSubnets.name,
        vpcSecurityGroupIds: [securityGroup.id],
        multiAz: config.multiAz,
        publiclyAccessible: false,
        backupRetentionPeriod: 7,
        skipFinalSnapshot: config.skipFinalSnapshot,
        ...(config.skipFinalSnapshot ? {} : { finalSnapshotIdentifier: `${name}-postgres-final` }),
      },
      parent,
    );

    const cacheSubnets = new aws.elasticache.SubnetGroup(
      `${name}-cache`,
      { subnetIds: network.privateSubnetIds },
      parent,
    );
    const cache = new aws.elasticache.ReplicationGroup(
      `${name}-redis`,
      {
        description: 'gateway-kit shared rate limits and quotas',
        engine: 'redis',
        nodeType: config.cacheNodeType,
        numCacheClusters: 1,
        port: 6379,
        subnetGroupName: cacheSubnets.name,
        securityGroupIds: [securityGroup.id],
        atRestEncryptionEnabled: true,
        transitEncryptionEnabled: true,
      },
      parent,
    );

    this.databaseUrl = pulumi.secret(
      pulumi
        .all([database.address, database.port, args.password])
        .apply(([address, port, password]) => rdsDatabaseUrl(address, port, password)),
    );
    // Transit encryption is on, hence rediss://.
    this.redisUrl = pulumi.interpolate`rediss://${cache.primaryEndpointAddress}:6379`;
    this.registerOutputs({ databaseUrl: this.databaseUrl, redisUrl: this.redisUrl });
  }
}
