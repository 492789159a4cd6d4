// Test harness: runs the program under Pulumi's mock runtime and records every resource it registers.
import { createHash } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import { loadStackConfig, secretConfigKeys } from '../config.js';
import type { ImageManifest } from '../image-manifest.js';
import { deployGatewayKit } from '../stack.js';

const secretSig = '4dabf18193072939515e22adb298388d';
const secretValueSig = '1b47061264138c4ac30d75fd1eb44270';
const unknownValue = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
/** What an input that was unknown at registration (a preview) is recorded as. */
export const UNKNOWN = Symbol('unknown');

export const fakeAccount = '123456789012';
export const fakeRegion = 'eu-west-1';
export const fakeLoadBalancer = 'gw-1234.elb.eu-west-1.amazonaws.com';

export type RecordedResource = {
  type: string;
  name: string;
  /** Inputs as the provider would receive them, secrets unwrapped. */
  inputs: Record<string, unknown>;
  /** JSON paths of the inputs that arrived marked secret. */
  secretPaths: string[];
};

function unwrap(value: unknown, path: string, secretPaths: string[]): unknown {
  if (value === unknownValue) return UNKNOWN;
  if (Array.isArray(value)) return value.map((item, i) => unwrap(item, `${path}[${i}]`, secretPaths));
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (record.__pulumiUnknown === true) return UNKNOWN;
    if (record[secretSig] === secretValueSig) {
      secretPaths.push(path);
      return unwrap(record.value, path, secretPaths);
    }
    return Object.fromEntries(
      Object.entries(record).map(([k, v]) => [k, unwrap(v, path ? `${path}.${k}` : k, secretPaths)]),
    );
  }
  return value;
}

function fakeDigest(inputs: unknown): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(inputs)).digest('hex')}`;
}

type MockInputs = Record<string, unknown> & { name?: string; tags?: unknown[]; spec?: { type?: string } };

/** Provider-computed outputs for the resources the program reads outputs from; everything else echoes. */
function providerState(
  type: string,
  name: string,
  inputs: MockInputs,
  preview: boolean,
): Record<string, unknown> {
  switch (type) {
    case 'aws:ecr/repository:Repository':
      // Unknown during a preview of a new repository, as with the real engine.
      return preview
        ? { ...inputs }
        : {
            ...inputs,
            registryId: fakeAccount,
            repositoryUrl: `${fakeAccount}.dkr.ecr.${fakeRegion}.amazonaws.com/${inputs.name}`,
          };
    case 'docker-build:index:Image': {
      if (preview) return { ...inputs };
      const digest = fakeDigest(inputs);
      return { ...inputs, digest, ref: `${String(inputs.tags?.[0])}@${digest}` };
    }
    case 'aws:eks/cluster:Cluster':
      return {
        ...inputs,
        endpoint: `https://ABCDEF.gr7.${fakeRegion}.eks.amazonaws.com`,
        certificateAuthority: { data: Buffer.from('fake-ca').toString('base64') },
      };
    case 'aws:rds/instance:Instance':
      return { ...inputs, address: `${name}.abc.${fakeRegion}.rds.amazonaws.com`, port: 5432 };
    case 'aws:elasticache/replicationGroup:ReplicationGroup':
      return { ...inputs, primaryEndpointAddress: `master.${name}.abc.cache.amazonaws.com` };
    case 'kubernetes:core/v1:Service':
      return inputs.spec?.type === 'LoadBalancer'
        ? { ...inputs, status: { loadBalancer: { ingress: [{ hostname: fakeLoadBalancer }] } } }
        : { ...inputs };
    default:
      return { ...inputs };
  }
}

function invoke(token: string): Record<string, unknown> {
  switch (token) {
    case 'aws:ecr/getAuthorizationToken:getAuthorizationToken':
      return {
        userName: 'AWS',
        password: 'ecr-login-password',
        proxyEndpoint: `https://${fakeAccount}.dkr.ecr.${fakeRegion}.amazonaws.com`,
      };
    case 'aws:index/getAvailabilityZones:getAvailabilityZones':
      return {
        names: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
        zoneIds: ['euw1-az1', 'euw1-az2', 'euw1-az3'],
      };
    case 'aws:index/getRegion:getRegion':
      return { region: fakeRegion, name: fakeRegion };
    default:
      // An invoke the harness does not know is a test failure, not a silent empty answer.
      throw new Error(`mock runtime: unexpected invoke ${token}`);
  }
}

export type ResolvedOutput = { value: unknown; known: boolean; secret: boolean };

async function resolveOutput(value: unknown): Promise<ResolvedOutput> {
  if (!pulumi.Output.isInstance(value)) return { value, known: true, secret: false };
  const impl = value as unknown as {
    promise(withUnknowns?: boolean): Promise<unknown>;
    isKnown: Promise<boolean>;
  };
  const [resolved, known, secret] = await Promise.all([impl.promise(), impl.isKnown, pulumi.isSecret(value)]);
  return { value: resolved, known, secret };
}

export type ProgramRun = {
  resources: RecordedResource[];
  outputs: Record<string, ResolvedOutput>;
  /** Resources of one Pulumi type. */
  ofType(type: string): RecordedResource[];
};

export type RunOptions = {
  /** Stack config, without the `gateway-kit:` prefix; objects are structured config. */
  config: Record<string, unknown>;
  manifest: ImageManifest;
  /** Where the lock file is looked up (the repository root in a real run). */
  repoRoot: string;
  preview?: boolean;
};

/** Runs the whole program once; throws what the program throws (after the pending registrations drain). */
export async function runProgram(options: RunOptions): Promise<ProgramRun> {
  const preview = options.preview ?? false;
  const resources: RecordedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const secretPaths: string[] = [];
        const inputs = unwrap(args.inputs, '', secretPaths) as Record<string, unknown>;
        resources.push({ type: args.type, name: args.name, inputs, secretPaths });
        return { id: `${args.name}-id`, state: providerState(args.type, args.name, args.inputs, preview) };
      },
      call: (args) => invoke(args.token),
    },
    'gateway-kit',
    'dev',
    preview,
  );
  const raw = Object.fromEntries(
    Object.entries(options.config).map(([key, value]) => [
      `gateway-kit:${key}`,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );
  const secretKeys = secretConfigKeys
    .filter((key) => key in options.config)
    .map((key) => `gateway-kit:${key}`);
  pulumi.runtime.setAllConfig(raw, secretKeys);
  try {
    const outputs = deployGatewayKit(loadStackConfig(options.manifest), options.manifest, options.repoRoot);
    const resolved: Record<string, ResolvedOutput> = {};
    for (const [key, value] of Object.entries(outputs)) resolved[key] = await resolveOutput(value);
    await pulumi.runtime.disconnect();
    return { resources, outputs: resolved, ofType: (type) => resources.filter((r) => r.type === type) };
  } finally {
    await pulumi.runtime.disconnect();
  }
}
