// Cluster: an existing cluster (the default Kubernetes provider config) or a new EKS cluster.
import type * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { ClusterConfig } from '../config-schema.js';
import { createEksCluster } from './eks-cluster.js';
import type { Network } from './network.js';

export interface ClusterArgs {
  /** `existing` uses kubernetes:kubeconfig / kubernetes:context (or KUBECONFIG); `eks` creates one. */
  config: ClusterConfig;
  /** The EKS cluster name (also used to tag its subnets); ignored for an existing cluster. */
  clusterName: string;
}

export class Cluster extends pulumi.ComponentResource {
  /** The provider for the EKS cluster; undefined means the default provider (existing cluster). */
  readonly provider: k8s.Provider | undefined;
  /** The EKS kubeconfig (a secret); undefined for an existing cluster. */
  readonly kubeconfig: pulumi.Output<string> | undefined;
  /** The VPC, for managed stores; undefined for an existing cluster. */
  readonly network: Network | undefined;
  /** The StorageClass this component created for volumes, if any. */
  readonly storageClassName: string | undefined;
  readonly mode: ClusterConfig['mode'];

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('gateway-kit:index:Cluster', name, {}, opts);
    this.mode = args.config.mode;
    if (args.config.mode === 'eks') {
      const eks = createEksCluster(name, args.clusterName, args.config, this);
      this.provider = eks.provider;
      this.kubeconfig = eks.kubeconfig;
      this.network = eks.network;
      this.storageClassName = eks.storageClassName;
    } else {
      this.provider = undefined;
      this.kubeconfig = undefined;
      this.network = undefined;
      this.storageClassName = undefined;
    }
    this.registerOutputs({ mode: this.mode, kubeconfig: this.kubeconfig });
  }
}
