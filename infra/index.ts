// The Pulumi program's entry point: read the config once, deploy, export the stack outputs.
import { loadStackConfig } from './config.js';
import { readImageManifest, repoRoot } from './image-manifest.js';
import { deployGatewayKit } from './stack.js';

const manifest = readImageManifest();
const { kubeconfig, ...outputs } = deployGatewayKit(loadStackConfig(manifest), manifest, repoRoot);

// A default export rather than named ones: `kubeconfig` exists only for EKS, and a named export left
// undefined makes every real `pulumi up` warn "Undefined value (kubeconfig) will not show as a stack output".
export default { ...outputs, ...(kubeconfig ? { kubeconfig } : {}) };
