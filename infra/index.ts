// The Pulumi program's entry point: read the config once, deploy, export the stack outputs.
import { loadStackConfig } from './config.js';
import { readImageManifest, repoRoot } from './image-manifest.js';
import { deployGatewayKit } from './stack.js';

const manifest = readImageManifest();
const outputs = deployGatewayKit(loadStackConfig(manifest), manifest, repoRoot);

export const gatewayUrl = outputs.gatewayUrl;
export const images = outputs.images;
export const adminToken = outputs.adminToken;
export const namespace = outputs.namespace;
export const sampleUrls = outputs.sampleUrls;
export const kubeconfig = outputs.kubeconfig;
