import { describe, expect, test } from 'vitest';
import type { InStackImagesConfig } from '../config-schema.js';
import { imageBuildArgs, registryHost } from './image-build.js';

const entry = {
  name: 'echo',
  context: '.',
  dockerfile: 'services/echo/Dockerfile',
  repository: 'gateway-kit/echo',
  port: 9000,
  healthPath: '/healthz',
};
const images = (extra: Partial<InStackImagesConfig> = {}): InStackImagesConfig => ({
  mode: 'inStack',
  registry: 'registry.example.com/team',
  platforms: ['linux/amd64', 'linux/arm64'],
  buildArgs: { BASE_IMAGE: 'node:22-bookworm-slim', BASE: 'b' },
  cache: true,
  ...extra,
});
const args = (extra: Partial<InStackImagesConfig> = {}) =>
  imageBuildArgs({
    entry,
    repositoryUrl: 'registry.example.com/team/gateway-kit/echo',
    images: images(extra),
    tag: 'prod',
    repoRoot: '/src/kit',
    cwd: '/src/kit/infra',
    buildSecrets: { npmrc: 'token' },
  });

describe('imageBuildArgs', () => {
  test('paths are relative to the program directory, so state does not depend on the checkout path', () => {
    expect(args().context).toEqual({ location: '..' });
    expect(args().dockerfile).toEqual({ location: '../services/echo/Dockerfile' });
  });

  test('platforms, sorted build args and BuildKit secrets pass through', () => {
    expect(args().platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(Object.keys(args().buildArgs as object)).toEqual(['BASE', 'BASE_IMAGE']);
    expect(args().secrets).toEqual({ npmrc: 'token' });
  });

  test('the registry cache is read and written (max mode, ECR-compatible manifest) unless turned off', () => {
    expect(args().cacheFrom).toHaveLength(1);
    expect(args().cacheTo).toHaveLength(1);
    expect(args({ cache: false }).cacheFrom).toEqual([]);
    expect(args({ cache: false }).cacheTo).toEqual([]);
  });

  test('the RUN steps network is passed only when set (host: a daemon without a bridge network)', () => {
    expect(args()).not.toHaveProperty('network');
    expect(args({ network: 'host' }).network).toBe('host');
  });
});

test('registryHost keeps host and port', () => {
  expect(registryHost('127.0.0.1:5000/gateway-kit/echo')).toBe('127.0.0.1:5000');
  expect(registryHost('123.dkr.ecr.eu-west-1.amazonaws.com/gateway-kit/echo')).toBe(
    '123.dkr.ecr.eu-west-1.amazonaws.com',
  );
});
