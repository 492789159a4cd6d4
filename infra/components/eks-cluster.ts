// The EKS cluster: IAM roles, the control plane (access entries, no aws-auth), a managed node group,
// the EBS CSI driver and a gp3 StorageClass, and a Kubernetes provider built from its kubeconfig.
import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { EksClusterConfig } from '../config-schema.js';
import { renderKubeconfig } from './kubeconfig.js';
import { createNetwork, type Network } from './network.js';

export const eksStorageClassName = 'gp3';

const managedPolicy = (name: string) => `arn:aws:iam::aws:policy/${name}`;

function serviceRole(name: string, service: string, policies: readonly string[], parent: pulumi.Resource) {
  const role = new aws.iam.Role(
    name,
    {
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
      }),
    },
    { parent },
  );
  const attachments = policies.map(
    (policy) =>
      new aws.iam.RolePolicyAttachment(
        `${name}-${policy.split('/').at(-1)!.toLowerCase()}`,
        { role: role.name, policyArn: managedPolicy(policy) },
        { parent },
      ),
  );
  return { role, attachments };
}

export type EksCluster = {
  clusterName: string;
  network: Network;
  provider: k8s.Provider;
  kubeconfig: pulumi.Output<string>;
  storageClassName: string;
};

export function createEksCluster(
  name: string,
  clusterName: string,
  config: EksClusterConfig,
  parent: pulumi.Resource,
): EksCluster {
  const network = createNetwork(
    `${name}-net`,
    { vpcCidr: config.vpcCidr, availabilityZoneCount: config.availabilityZoneCount, clusterName },
    parent,
  );
  const controlPlaneRole = serviceRole(
    `${name}-control-plane`,
    'eks.amazonaws.com',
    ['AmazonEKSClusterPolicy'],
    parent,
  );
  const nodeRole = serviceRole(
    `${name}-nodes`,
    'ec2.amazonaws.com',
    [
      'AmazonEKSWorkerNodePolicy',
      'AmazonEKS_CNI_Policy',
      'AmazonEC2ContainerRegistryReadOnly',
      // Lets the EBS CSI driver (running on the nodes) create the store's volumes.
      'service-role/AmazonEBSCSIDriverPolicy',
    ],
    parent,
  );

  const cluster = new aws.eks.Cluster(
    `${name}-eks`,
    {
      name: clusterName,
      version: config.kubernetesVersion,
      roleArn: controlPlaneRole.role.arn,
      vpcConfig: {
        subnetIds: [...network.privateSubnetIds, ...network.publicSubnetIds],
        endpointPrivateAccess: true,
        endpointPublicAccess: true,
      },
      // Access entries instead of the aws-auth ConfigMap: the creator is admin, node roles are added by EKS.
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: true },
    },
    { parent, dependsOn: controlPlaneRole.attachments },
  );

  const nodeGroup = new aws.eks.NodeGroup(
    `${name}-nodes`,
    {
      clusterName: cluster.name,
      nodeRoleArn: nodeRole.role.arn,
      subnetIds: network.privateSubnetIds,
      instanceTypes: [...config.nodes.instanceTypes],
      diskSize: config.nodes.diskSizeGb,
      scalingConfig: {
        minSize: config.nodes.minSize,
        desiredSize: config.nodes.desiredSize,
        maxSize: config.nodes.maxSize,
      },
      updateConfig: { maxUnavailable: 1 },
    },
    // A cluster autoscaler moves desiredSize; re-applying the config value would fight it.
    { parent, dependsOn: nodeRole.attachments, ignoreChanges: ['scalingConfig.desiredSize'] },
  );

  const ebsDriver = new aws.eks.Addon(
    `${name}-ebs-csi`,
    { clusterName: cluster.name, addonName: 'aws-ebs-csi-driver', resolveConflictsOnCreate: 'OVERWRITE' },
    { parent, dependsOn: [nodeGroup] },
  );

  const region = aws.getRegionOutput({}, { parent }).region;
  const kubeconfig = pulumi.secret(
    pulumi
      .all([cluster.name, cluster.endpoint, cluster.certificateAuthority.data, region])
      .apply(([clusterNameOut, endpoint, ca, regionName]) =>
        renderKubeconfig({
          clusterName: clusterNameOut,
          endpoint,
          certificateAuthorityData: ca,
          region: regionName,
        }),
      ),
  );
  const provider = new k8s.Provider(`${name}-k8s`, { kubeconfig }, { parent, dependsOn: [nodeGroup] });

  new k8s.storage.v1.StorageClass(
    `${name}-gp3`,
    {
      metadata: { name: eksStorageClassName },
      provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', encrypted: 'true' },
      // Retain: deleting the stack must not delete the database's volume with it.
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
    },
    { parent, provider, dependsOn: [ebsDriver] },
  );

  return { clusterName, network, provider, kubeconfig, storageClassName: eksStorageClassName };
}
