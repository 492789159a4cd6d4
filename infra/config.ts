// Reads the stack config once: raw Pulumi values → one schema → cross-key rules → frozen config.
import * as pulumi from '@pulumi/pulumi';
import type { z } from 'zod';
import {
  objectConfigKeys,
  type ParsedStackConfig,
  type StackConfigInput,
  secretConfigKeys,
  stackConfigSchema,
} from './config-schema.js';
import { InfraError, InfraErrorCode } from './errors.js';
import type { ImageManifest } from './image-manifest.js';

export type SecretKey = (typeof secretConfigKeys)[number];

/** The parsed config, with every secret value lifted into a Pulumi secret Output. */
export type StackConfig = Readonly<Omit<ParsedStackConfig, SecretKey>> & {
  readonly project: string;
  readonly secrets: Readonly<{
    adminToken: pulumi.Output<string>;
    secretKey?: pulumi.Output<string>;
    databasePassword?: pulumi.Output<string>;
    databaseUrl?: pulumi.Output<string>;
    redisUrl?: pulumi.Output<string>;
    registryPassword?: pulumi.Output<string>;
    buildSecrets: Readonly<Record<string, pulumi.Output<string>>>;
  }>;
};

const hints: Partial<Record<string, string>> = {
  adminToken: 'set it with `pulumi config set --secret adminToken <at least 16 characters>`',
  images: 'set images.mode to inStack or ci (`pulumi config set --path images.mode ci`)',
};

function configError(project: string, path: readonly PropertyKey[], problem: string): InfraError {
  const key = `${project}:${path.map(String).join('.')}`;
  return new InfraError(InfraErrorCode.configInvalid, key, problem);
}

function describeIssue(issue: z.core.$ZodIssue, present: boolean): string {
  if (issue.code === 'invalid_type' && !present) {
    const hint = hints[String(issue.path[0])];
    return hint ? `is required; ${hint}` : 'is required';
  }
  if (issue.code === 'unrecognized_keys')
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_union' && issue.path.at(-1) !== 'mode')
    return `${issue.message} (check its mode)`;
  return issue.message;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/** Raw Pulumi config (`key → string`, project prefix removed) into plain JS values, JSON for object keys. */
export function decodeRawConfig(project: string, raw: Readonly<Record<string, string>>): StackConfigInput {
  const decoded: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(raw)) {
    if (!(objectConfigKeys as readonly string[]).includes(key)) {
      decoded[key] = text;
      continue;
    }
    try {
      decoded[key] = JSON.parse(text);
    } catch {
      throw configError(project, [key], 'must be structured config (an object or list), not a plain string');
    }
  }
  return decoded as StackConfigInput;
}

/** Rules that span keys, kept out of the schema so each error still names the one key to fix. */
function checkCrossKeyRules(project: string, c: ParsedStackConfig): void {
  const fail = (path: string, problem: string) => configError(project, path.split('.'), problem);
  const managedExisting = c.store.mode === 'managed' && c.cluster.mode === 'existing';
  for (const key of ['databaseUrl', 'redisUrl'] as const) {
    if (managedExisting && c[key] === undefined) {
      throw fail(
        key,
        `is required when store.mode=managed on an existing cluster (pulumi config set --secret ${key} …)`,
      );
    }
    if (!managedExisting && c[key] !== undefined) {
      throw fail(key, 'is only used when store.mode=managed and cluster.mode=existing; remove it');
    }
  }
  const needsPassword = !managedExisting;
  if (needsPassword && c.databasePassword === undefined) {
    throw fail(
      'databasePassword',
      `is required when store.mode=${c.store.mode} and cluster.mode=${c.cluster.mode} (pulumi config set --secret databasePassword …)`,
    );
  }
  if (!needsPassword && c.databasePassword !== undefined) {
    throw fail('databasePassword', 'is not used with store.mode=managed on an existing cluster; remove it');
  }
  if (c.images.mode === 'inStack') {
    if (c.cluster.mode === 'existing' && c.images.registry === undefined) {
      throw fail('images.registry', 'is required when images.mode=inStack and cluster.mode=existing');
    }
    if ((c.images.registryUsername === undefined) !== (c.registryPassword === undefined)) {
      throw fail(
        c.registryPassword === undefined ? 'registryPassword' : 'images.registryUsername',
        'registry credentials need both images.registryUsername and the secret registryPassword',
      );
    }
    if (c.images.registry === undefined && c.images.registryUsername !== undefined) {
      throw fail('images.registryUsername', 'is only used with images.registry (ECR logs in by itself)');
    }
  } else {
    if (c.registryPassword !== undefined)
      throw fail('registryPassword', 'is only used when images.mode=inStack');
    if (Object.keys(c.buildSecrets).length > 0)
      throw fail('buildSecrets', 'are only used when images.mode=inStack');
  }
}

/** Pure: validates decoded config against the schema and the cross-key rules. */
export function parseStackConfig(
  project: string,
  input: StackConfigInput,
  manifest: ImageManifest,
): ParsedStackConfig {
  const parsed = stackConfigSchema(manifest).safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys' && issue.path.length === 0) {
      throw configError(project, [issue.keys[0]!], 'is not a config key of this program');
    }
    const present = valueAt(input, issue.path) !== undefined;
    throw configError(project, issue.path, describeIssue(issue, present));
  }
  checkCrossKeyRules(project, parsed.data);
  return parsed.data;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !pulumi.Output.isInstance(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Lifts secret keys into Pulumi secrets, so no plaintext secret is passed to a resource by mistake. */
export function toStackConfig(project: string, parsed: ParsedStackConfig): StackConfig {
  const {
    adminToken,
    secretKey,
    databasePassword,
    databaseUrl,
    redisUrl,
    registryPassword,
    buildSecrets,
    ...rest
  } = parsed;
  const secret = (value: string | undefined) => (value === undefined ? undefined : pulumi.secret(value));
  const sortedBuildSecrets = Object.fromEntries(
    Object.keys(buildSecrets)
      .sort()
      .map((id) => [id, pulumi.secret(buildSecrets[id]!)]),
  );
  const secrets = {
    adminToken: pulumi.secret(adminToken),
    buildSecrets: sortedBuildSecrets,
    ...(secretKey === undefined ? {} : { secretKey: secret(secretKey)! }),
    ...(databasePassword === undefined ? {} : { databasePassword: secret(databasePassword)! }),
    ...(databaseUrl === undefined ? {} : { databaseUrl: secret(databaseUrl)! }),
    ...(redisUrl === undefined ? {} : { redisUrl: secret(redisUrl)! }),
    ...(registryPassword === undefined ? {} : { registryPassword: secret(registryPassword)! }),
  };
  return deepFreeze({ ...rest, project, secrets });
}

/** Reads every `<project>:*` key of the running stack; the one place the program touches Pulumi config. */
export function loadStackConfig(manifest: ImageManifest): StackConfig {
  const project = pulumi.getProject();
  const prefix = `${project}:`;
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = value;
  }
  return toStackConfig(project, parseStackConfig(project, decodeRawConfig(project, raw), manifest));
}

export { secretConfigKeys };
