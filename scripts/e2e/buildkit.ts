// A BuildKit daemon for the inStack tier. @pulumi/docker-build never builds with Docker's built-in
// BuildKit (the `docker` driver): with no builder of another kind it boots a docker-container builder
// from the moby/buildkit image on Docker Hub. Here buildkitd (built by toolchain.sh) runs on the host
// and is registered as a `remote` buildx builder in a Docker config of the run's own (DOCKER_CONFIG).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec, type Run, waitFor } from './run.js';

export const builderName = 'e2e-buildkitd';

/** Starts buildkitd and returns the DOCKER_CONFIG directory whose current builder it is. */
export async function startBuildkitd(
  run: Run,
  workDir: string,
  tools: string,
  registry: string,
  /** Where buildkitd keeps its layer cache: outside the work dir, so a later run starts warm. */
  root: string,
): Promise<string> {
  const dir = join(workDir, 'buildkit');
  mkdirSync(dir, { recursive: true });
  const socket = join(dir, 'buildkitd.sock');
  // The local registry speaks plain HTTP.
  writeFileSync(join(dir, 'buildkitd.toml'), `[registry."${registry}"]\n  http = true\n`);
  run.start('buildkitd', join(tools, 'buildkitd'), [
    `--config=${join(dir, 'buildkitd.toml')}`,
    `--root=${root}`,
    `--addr=unix://${socket}`,
    '--oci-worker=true',
    '--containerd-worker=false',
    // RUN steps on the host network (images.network=host): this Docker host has no bridge either.
    '--allow-insecure-entitlement=network.host',
  ]);
  await waitFor('buildkitd socket', 60_000, async () => existsSync(socket) || undefined, [
    run.logFile('buildkitd'),
  ]);

  const config = join(workDir, 'docker-config');
  const store = join(config, 'buildx');
  mkdirSync(join(store, 'instances'), { recursive: true });
  mkdirSync(join(store, 'defaults'), { recursive: true });
  const node = {
    Name: `${builderName}0`,
    Endpoint: `unix://${socket}`,
    Platforms: null,
    DriverOpts: null,
    Flags: null,
    Files: null,
  };
  writeFileSync(
    join(store, 'instances', builderName),
    JSON.stringify({ Name: builderName, Driver: 'remote', Nodes: [node], Dynamic: false }),
  );
  writeFileSync(
    join(store, 'current'),
    JSON.stringify({ Key: 'unix:///var/run/docker.sock', Name: builderName, Global: false }),
  );
  writeFileSync(join(config, 'config.json'), '{}\n');
  return config;
}

/**
 * buildkitd does not see the Docker daemon's images: the local base image goes to the registry, and the
 * builds pull it from there.
 */
export async function pushBaseImage(run: Run, local: string, registry: string): Promise<string> {
  const log = run.logFile('base-image');
  const ref = `${registry}/gateway-kit-e2e/${local.split('/').pop()}`;
  await exec('docker', ['tag', local, ref], { log });
  await exec('docker', ['push', ref], { log });
  return ref;
}
