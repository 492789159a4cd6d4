// The image pipeline CLI: `npm run images -- list | build | verify` (see docs/images.md).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildCommand } from './build-command.js';
import { ImagesError, ImagesErrorCode } from './errors.js';
import { readManifest, selectImages } from './manifest.js';
import { verifyCommand } from './verify-command.js';

const USAGE = `usage: npm run images -- <command> [options]

commands:
  list                         the images the kit builds (images.manifest.json)
  build [names…]               build the images whose content hash is new; tag with the hash and the commit
      --push                   push them and record their digests in images.lock.json
      --registry <host[:port]> registry to check and push to (default: $IMAGES_REGISTRY)
      --platform <os/arch>     target platform (repeatable; several need buildx)
      --base-image <ref>       BASE_IMAGE build argument (default: each Dockerfile's, node:24-bookworm-slim)
      --secret id=…,src=…      BuildKit secret (repeatable): npmrc (registry auth), ca_certs (extra CA bundle)
      --cache-from <spec>      BuildKit cache source (repeatable); {name} and {repository} become the
                               image's, e.g. type=registry,ref={repository}:buildcache
      --cache-to <spec>        BuildKit cache export (repeatable, needs buildx), e.g.
                               type=registry,ref={repository}:buildcache,mode=max
      --progress <mode>        auto (live list on a terminal), plain (log lines), quiet
  verify                       every entry of images.lock.json is in its registry with that digest

options for every command:
  --manifest <file>            default: images.manifest.json at the repository root (the build root is its folder)
  --lock-file <file>           default: images.lock.json beside the manifest
  --insecure-registry          talk plain HTTP to the registry (always so for localhost and 127.0.0.0/8)`;

const SECRET_KEYS = new Set(['type', 'id', 'src', 'source', 'env', 'required']);

/** `id=…,src=…` or `id=…,env=…`, as docker build takes it; a missing file is caught here, not mid-build. */
export function validateSecret(spec: string): string {
  const fields = new Map<string, string>(
    spec.split(',').map((field) => {
      const at = field.indexOf('=');
      return at < 0 ? [field, ''] : [field.slice(0, at), field.slice(at + 1)];
    }),
  );
  const bad = [...fields.keys()].find((key) => !SECRET_KEYS.has(key));
  if (!fields.get('id') || bad !== undefined) {
    throw new ImagesError(
      ImagesErrorCode.usage,
      `--secret ${spec}: expected id=<id>,src=<file> or id=<id>,env=<variable>`,
    );
  }
  const src = fields.get('src') ?? fields.get('source');
  if (src && !existsSync(src))
    throw new ImagesError(ImagesErrorCode.usage, `--secret ${spec}: ${src} does not exist`);
  return spec;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      push: { type: 'boolean', default: false },
      registry: { type: 'string' },
      platform: { type: 'string', multiple: true, default: [] },
      'base-image': { type: 'string' },
      secret: { type: 'string', multiple: true, default: [] },
      'cache-from': { type: 'string', multiple: true, default: [] },
      'cache-to': { type: 'string', multiple: true, default: [] },
      progress: { type: 'string', default: 'auto' },
      manifest: { type: 'string' },
      'lock-file': { type: 'string' },
      'insecure-registry': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...names] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const manifestPath = resolve(values.manifest ?? join(repoRoot, 'images.manifest.json'));
  const root = dirname(manifestPath);
  const lockPath = resolve(values['lock-file'] ?? join(root, 'images.lock.json'));

  if (command === 'list') {
    const images = readManifest(manifestPath);
    const width = Math.max(...images.map((image) => image.name.length));
    for (const image of images) {
      console.log(
        `${image.name.padEnd(width)}  ${image.repository}  ${image.dockerfile} (context ${image.context})`,
      );
    }
    return 0;
  }
  if (command === 'build') {
    if (!['auto', 'plain', 'quiet'].includes(values.progress)) {
      throw new ImagesError(
        ImagesErrorCode.usage,
        `--progress ${values.progress}: expected auto, plain or quiet`,
      );
    }
    const images = selectImages(readManifest(manifestPath), names);
    const results = await buildCommand({
      root,
      images,
      lockPath,
      push: values.push,
      registry: values.registry ?? process.env.IMAGES_REGISTRY ?? null,
      insecureRegistry: values['insecure-registry'],
      platforms: values.platform.flatMap((platform) => platform.split(',')).filter(Boolean),
      baseImage: values['base-image'] ?? process.env.IMAGES_BASE_IMAGE ?? null,
      secrets: values.secret.map(validateSecret),
      cacheFrom: values['cache-from'],
      cacheTo: values['cache-to'],
      renderer: values.progress === 'quiet' ? 'silent' : values.progress === 'plain' ? 'simple' : 'default',
    });
    const rebuilt = results.filter((result) => result.action !== 'skip').length;
    console.log(`${rebuilt} of ${results.length} images built or pushed; lock file: ${lockPath}`);
    return 0;
  }
  if (command === 'verify') {
    const results = await verifyCommand({ lockPath, insecureRegistry: values['insecure-registry'] });
    for (const result of results) {
      console.log(
        `${result.ok ? 'ok  ' : 'FAIL'} ${result.name} ${result.ref}${result.problem ? `: ${result.problem}` : ''}`,
      );
    }
    const failed = results.filter((result) => !result.ok);
    if (failed.length > 0) {
      throw new ImagesError(
        ImagesErrorCode.verifyFailed,
        `${failed.length} of ${results.length} images not in the registry`,
      );
    }
    return 0;
  }
  throw new ImagesError(ImagesErrorCode.usage, `unknown command "${command}" (list, build, verify)`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ImagesError) {
      console.error(`images: ${error.message}`);
      process.exitCode = error.code === ImagesErrorCode.usage ? 2 : 1;
    } else if (
      error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`images: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      console.error(error);
      process.exitCode = 1;
    }
  },
);
