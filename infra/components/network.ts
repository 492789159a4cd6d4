// The EKS VPC: public subnets (load balancers, NAT) and private subnets (nodes, RDS, ElastiCache).
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function intToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/**
 * Pure: carves `count` public and `count` private subnets of /(prefix+4) out of the VPC CIDR, in order
 * (public first), so a given config always yields the same CIDRs.
 */
export function subnetCidrs(vpcCidr: string, count: number): { public: string[]; private: string[] } {
  const [base, prefixText] = vpcCidr.split('/');
  const prefix = Number(prefixText);
  if (!base || !Number.isInteger(prefix) || prefix < 16 || prefix > 24) {
    throw new RangeError(`subnetCidrs: ${vpcCidr} is not a /16-/24 CIDR`);
  }
  if (count * 2 > 16) throw new RangeError(`subnetCidrs: ${count * 2} subnets do not fit in 16 slots`);
  const subnetPrefix = prefix + 4;
  const size = 2 ** (32 - subnetPrefix);
  const network = ipToInt(base) - (ipToInt(base) % 2 ** (32 - prefix));
  const cidr = (index: number) => `${intToIp(network + index * size)}/${subnetPrefix}`;
  return {
    public: Array.from({ length: count }, (_, i) => cidr(i)),
    private: Array.from({ length: count }, (_, i) => cidr(count + i)),
  };
}

export interface NetworkArgs {
  vpcCidr: string;
  availabilityZoneCount: number;
  /** The EKS cluster name: subnets are tagged so its load balancers find them. */
  clusterName: string;
}

export type Network = {
  vpcId: pulumi.Output<string>;
  vpcCidr: string;
  publicSubnetIds: pulumi.Output<string>[];
  privateSubnetIds: pulumi.Output<string>[];
};

export function createNetwork(name: string, args: NetworkArgs, parent: pulumi.Resource): Network {
  const opts = { parent };
  const zones = aws.getAvailabilityZonesOutput({ state: 'available' }, opts);
  const cidrs = subnetCidrs(args.vpcCidr, args.availabilityZoneCount);
  const clusterTag = `kubernetes.io/cluster/${args.clusterName}`;
  const vpc = new aws.ec2.Vpc(
    `${name}-vpc`,
    {
      cidrBlock: args.vpcCidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: `${name}-vpc` },
    },
    opts,
  );
  const igw = new aws.ec2.InternetGateway(
    `${name}-igw`,
    { vpcId: vpc.id, tags: { Name: `${name}-igw` } },
    opts,
  );
  const publicRoutes = new aws.ec2.RouteTable(
    `${name}-public`,
    {
      vpcId: vpc.id,
      routes: [{ cidrBlock: '0.0.0.0/0', gatewayId: igw.id }],
      tags: { Name: `${name}-public` },
    },
    opts,
  );
  const subnet = (kind: 'public' | 'private', cidr: string, index: number) =>
    new aws.ec2.Subnet(
      `${name}-${kind}-${index}`,
      {
        vpcId: vpc.id,
        cidrBlock: cidr,
        availabilityZone: zones.names.apply((names) => names[index % names.length]!),
        mapPublicIpOnLaunch: kind === 'public',
        tags: {
          Name: `${name}-${kind}-${index}`,
          [clusterTag]: 'shared',
          [kind === 'public' ? 'kubernetes.io/role/elb' : 'kubernetes.io/role/internal-elb']: '1',
        },
      },
      opts,
    );
  const publicSubnets = cidrs.public.map((cidr, i) => subnet('public', cidr, i));
  const privateSubnets = cidrs.private.map((cidr, i) => subnet('private', cidr, i));
  publicSubnets.forEach((s, i) => {
    new aws.ec2.RouteTableAssociation(
      `${name}-public-${i}`,
      { subnetId: s.id, routeTableId: publicRoutes.id },
      opts,
    );
  });
  // One NAT gateway for all private subnets: the cost-conscious default; a zone outage cuts egress only.
  const natIp = new aws.ec2.Eip(`${name}-nat`, { domain: 'vpc', tags: { Name: `${name}-nat` } }, opts);
  const nat = new aws.ec2.NatGateway(
    `${name}-nat`,
    { subnetId: publicSubnets[0]!.id, allocationId: natIp.id, tags: { Name: `${name}-nat` } },
    { parent, dependsOn: [igw] },
  );
  const privateRoutes = new aws.ec2.RouteTable(
    `${name}-private`,
    {
      vpcId: vpc.id,
      routes: [{ cidrBlock: '0.0.0.0/0', natGatewayId: nat.id }],
      tags: { Name: `${name}-private` },
    },
    opts,
  );
  privateSubnets.forEach((s, i) => {
    new aws.ec2.RouteTableAssociation(
      `${name}-private-${i}`,
      { subnetId: s.id, routeTableId: privateRoutes.id },
      opts,
    );
  });
  return {
    vpcId: vpc.id,
    vpcCidr: args.vpcCidr,
    publicSubnetIds: publicSubnets.map((s) => s.id),
    privateSubnetIds: privateSubnets.map((s) => s.id),
  };
}
