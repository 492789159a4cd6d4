// A Kubernetes control plane on loopback (etcd, kube-apiserver, controller-manager, scheduler) with its
// certificates, and optionally one node (containerd + CNI bridge + kubelet). Everything lives in workDir.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec, freePort, PhaseError, type Run, waitFor } from './run.js';

export const nodeName = 'e2e-node';
export const serviceCidr = '10.96.0.0/24';
export const podCidr = '10.244.0.0/24';
/**
 * The CNI bridge's address, also the node's IP: kubelet refuses a loopback node IP ("nodeIP can't be
 * loopback address"), and without a node address the API server cannot reach the kubelet for
 * port-forward, logs or exec ("no preferred addresses found; known addresses: []").
 */
export const bridgeAddress = '10.244.0.1';

export type ControlPlane = { apiserverUrl: string; kubeconfig: string; pki: string; tools: string };

async function openssl(run: Run, args: string[]): Promise<void> {
  await exec('openssl', args, { log: run.logFile('pki') });
}

/** A key and a certificate signed by the cluster CA (or self-signed for the CA itself). */
async function certificate(
  run: Run,
  pki: string,
  name: string,
  subject: string,
  extensions: string,
): Promise<void> {
  const key = join(pki, `${name}.key`);
  const crt = join(pki, `${name}.crt`);
  await openssl(run, ['genrsa', '-out', key, '2048']);
  const ext = join(pki, `${name}.ext`);
  writeFileSync(ext, `${extensions}\n`);
  if (name === 'ca') {
    await openssl(run, ['req', '-x509', '-new', '-key', key, '-subj', subject, '-days', '2', '-out', crt]);
    return;
  }
  const csr = join(pki, `${name}.csr`);
  await openssl(run, ['req', '-new', '-key', key, '-subj', subject, '-out', csr]);
  await openssl(run, [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    join(pki, 'ca.crt'),
    '-CAkey',
    join(pki, 'ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    ext,
    '-out',
    crt,
  ]);
}

const clientExt = 'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth';

export async function generatePki(run: Run, pki: string): Promise<void> {
  mkdirSync(pki, { recursive: true });
  await certificate(run, pki, 'ca', '/CN=gateway-kit-e2e-ca', 'basicConstraints=critical,CA:TRUE');
  await certificate(
    run,
    pki,
    'apiserver',
    '/CN=kube-apiserver',
    'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' +
      'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local',
  );
  await certificate(
    run,
    pki,
    'kubelet-serving',
    `/CN=${nodeName}`,
    `keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,IP:${bridgeAddress},DNS:${nodeName}`,
  );
  const clients: [string, string][] = [
    ['admin', '/O=system:masters/CN=e2e-admin'],
    ['controller-manager', '/CN=system:kube-controller-manager'],
    ['scheduler', '/CN=system:kube-scheduler'],
    ['kubelet', `/O=system:nodes/CN=system:node:${nodeName}`],
    ['apiserver-kubelet-client', '/O=system:masters/CN=kube-apiserver-kubelet-client'],
  ];
  for (const [name, subject] of clients) await certificate(run, pki, name, subject, clientExt);
  await openssl(run, ['genrsa', '-out', join(pki, 'sa.key'), '2048']);
  await openssl(run, ['rsa', '-in', join(pki, 'sa.key'), '-pubout', '-out', join(pki, 'sa.pub')]);
}

/** A kubeconfig (JSON is YAML) for one client certificate. */
export function writeKubeconfig(pki: string, file: string, server: string, client: string): string {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'e2e', cluster: { server, 'certificate-authority': join(pki, 'ca.crt') } }],
    users: [
      {
        name: client,
        user: {
          'client-certificate': join(pki, `${client}.crt`),
          'client-key': join(pki, `${client}.key`),
        },
      },
    ],
    contexts: [{ name: 'e2e', context: { cluster: 'e2e', user: client } }],
    'current-context': 'e2e',
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** GET on the API server with the admin certificate, via curl (no extra TLS client code). */
export async function apiGet(run: Run, plane: ControlPlane, path: string): Promise<string> {
  return exec(
    'curl',
    [
      '-sS',
      '--fail-with-body',
      '--max-time',
      '10',
      '--cacert',
      join(plane.pki, 'ca.crt'),
      '--cert',
      join(plane.pki, 'admin.crt'),
      '--key',
      join(plane.pki, 'admin.key'),
      `${plane.apiserverUrl}${path}`,
    ],
    { log: run.logFile('api-calls') },
  );
}

export async function startEtcd(run: Run, workDir: string, tools: string): Promise<string> {
  const client = await freePort();
  const peer = await freePort();
  const url = `http://127.0.0.1:${client}`;
  run.start('etcd', join(tools, 'etcd'), [
    '--name=e2e',
    `--data-dir=${join(workDir, 'etcd')}`,
    `--listen-client-urls=${url}`,
    `--advertise-client-urls=${url}`,
    `--listen-peer-urls=http://127.0.0.1:${peer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
    `--initial-cluster=e2e=http://127.0.0.1:${peer}`,
    '--unsafe-no-fsync=true',
  ]);
  await waitFor(
    'etcd /health',
    60_000,
    async () => {
      const response = await fetch(`${url}/health`);
      return response.ok ? true : undefined;
    },
    [run.logFile('etcd')],
  );
  const version = (await (await fetch(`${url}/version`)).json()) as { etcdserver: string };
  process.stdout.write(`  etcd ${version.etcdserver} at ${url}\n`);
  return url;
}

export async function startControlPlane(
  run: Run,
  workDir: string,
  tools: string,
  etcdUrl: string,
): Promise<ControlPlane> {
  const pki = join(workDir, 'pki');
  const port = await freePort();
  const apiserverUrl = `https://127.0.0.1:${port}`;
  run.start('kube-apiserver', join(tools, 'kube-apiserver'), [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${port}`,
    `--service-cluster-ip-range=${serviceCidr}`,
    '--authorization-mode=Node,RBAC',
    `--client-ca-file=${join(pki, 'ca.crt')}`,
    `--tls-cert-file=${join(pki, 'apiserver.crt')}`,
    `--tls-private-key-file=${join(pki, 'apiserver.key')}`,
    `--kubelet-client-certificate=${join(pki, 'apiserver-kubelet-client.crt')}`,
    `--kubelet-client-key=${join(pki, 'apiserver-kubelet-client.key')}`,
    `--kubelet-certificate-authority=${join(pki, 'ca.crt')}`,
    '--kubelet-preferred-address-types=InternalIP,Hostname',
    `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
    `--service-account-key-file=${join(pki, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(pki, 'sa.key')}`,
    '--allow-privileged=false',
    '--enable-admission-plugins=NodeRestriction',
    '--profiling=false',
  ]);
  const kubeconfig = writeKubeconfig(pki, join(workDir, 'admin.kubeconfig'), apiserverUrl, 'admin');
  const plane = { apiserverUrl, kubeconfig, pki, tools };
  await waitFor(
    'kube-apiserver /readyz',
    180_000,
    async () => ((await apiGet(run, plane, '/readyz')).trim() === 'ok' ? true : undefined),
    [run.logFile('kube-apiserver'), run.logFile('etcd')],
  );
  const version = JSON.parse(await apiGet(run, plane, '/version')) as { gitVersion: string };
  process.stdout.write(`  kube-apiserver ${version.gitVersion} at ${apiserverUrl}\n`);

  run.start('kube-controller-manager', join(tools, 'kube-controller-manager'), [
    `--kubeconfig=${writeKubeconfig(pki, join(workDir, 'controller-manager.kubeconfig'), apiserverUrl, 'controller-manager')}`,
    `--authentication-kubeconfig=${join(workDir, 'controller-manager.kubeconfig')}`,
    `--authorization-kubeconfig=${join(workDir, 'controller-manager.kubeconfig')}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${await freePort()}`,
    '--leader-elect=false',
    '--use-service-account-credentials=true',
    `--service-account-private-key-file=${join(pki, 'sa.key')}`,
    `--root-ca-file=${join(pki, 'ca.crt')}`,
    `--cluster-signing-cert-file=${join(pki, 'ca.crt')}`,
    `--cluster-signing-key-file=${join(pki, 'ca.key')}`,
    `--service-cluster-ip-range=${serviceCidr}`,
  ]);
  run.start('kube-scheduler', join(tools, 'kube-scheduler'), [
    `--kubeconfig=${writeKubeconfig(pki, join(workDir, 'scheduler.kubeconfig'), apiserverUrl, 'scheduler')}`,
    `--authentication-kubeconfig=${join(workDir, 'scheduler.kubeconfig')}`,
    `--authorization-kubeconfig=${join(workDir, 'scheduler.kubeconfig')}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${await freePort()}`,
    '--leader-elect=false',
  ]);
  // The controller manager creates each namespace's default ServiceAccount; pods need it.
  await waitFor(
    'the default ServiceAccount (controller-manager running)',
    180_000,
    async () =>
      (await apiGet(run, plane, '/api/v1/namespaces/default/serviceaccounts/default')) ? true : undefined,
    [run.logFile('kube-controller-manager')],
  );
  return plane;
}

/** containerd (its own instance, beside Docker's) with the CNI bridge, and a kubelet registered as nodeName. */
export async function startNode(
  run: Run,
  workDir: string,
  plane: ControlPlane,
  pauseImage: string,
): Promise<void> {
  const dir = join(workDir, 'node');
  const cniConf = join(dir, 'cni');
  mkdirSync(cniConf, { recursive: true });
  const socket = join(dir, 'containerd.sock');
  writeFileSync(
    join(cniConf, '10-e2e.conflist'),
    JSON.stringify({
      cniVersion: '1.0.0',
      name: 'e2e',
      plugins: [
        {
          type: 'bridge',
          bridge: 'e2e-cni0',
          isGateway: true,
          ipMasq: false,
          ipam: { type: 'host-local', ranges: [[{ subnet: podCidr }]], dataDir: join(dir, 'ipam') },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
        { type: 'loopback' },
      ],
    }),
  );
  const registry = pauseImage.split('/')[0]!;
  writeFileSync(
    join(dir, 'containerd.toml'),
    [
      'version = 2',
      `root = "${join(dir, 'containerd-root')}"`,
      `state = "${join(dir, 'containerd-state')}"`,
      `[grpc]\n  address = "${socket}"`,
      '[plugins."io.containerd.grpc.v1.cri"]',
      `  sandbox_image = "${pauseImage}"`,
      // Without CAP_SYS_RESOURCE (as on these machines) runc cannot lower a sandbox's oom_score_adj to
      // kubelet's -998 ("can't get final child's PID from pipe: EOF"): clamp to containerd's own.
      '  restrict_oom_score_adj = true',
      '[plugins."io.containerd.grpc.v1.cri".cni]',
      '  bin_dir = "/usr/lib/cni"',
      `  conf_dir = "${cniConf}"`,
      `[plugins."io.containerd.grpc.v1.cri".registry.mirrors."${registry}"]`,
      `  endpoint = ["http://${registry}"]`,
    ].join('\n'),
  );
  run.start('containerd', join(plane.tools, 'containerd'), ['--config', join(dir, 'containerd.toml')]);
  await waitFor('containerd socket', 60_000, async () => existsSync(socket) || undefined, [
    run.logFile('containerd'),
  ]);

  const kubeletConfig = {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: bridgeAddress,
    port: await freePort(),
    healthzBindAddress: '127.0.0.1',
    healthzPort: await freePort(),
    authentication: { anonymous: { enabled: false }, x509: { clientCAFile: join(plane.pki, 'ca.crt') } },
    authorization: { mode: 'AlwaysAllow' },
    tlsCertFile: join(plane.pki, 'kubelet-serving.crt'),
    tlsPrivateKeyFile: join(plane.pki, 'kubelet-serving.key'),
    cgroupDriver: 'cgroupfs',
    failSwapOn: false,
    failCgroupV1: false,
    containerRuntimeEndpoint: `unix://${socket}`,
    clusterDNS: [],
    resolvConf: '/etc/resolv.conf',
    podCIDR: podCidr,
    maxPods: 30,
    serializeImagePulls: false,
    evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
  };
  writeFileSync(join(dir, 'kubelet.json'), JSON.stringify(kubeletConfig));
  run.start('kubelet', join(plane.tools, 'kubelet'), [
    `--config=${join(dir, 'kubelet.json')}`,
    `--kubeconfig=${writeKubeconfig(plane.pki, join(dir, 'kubelet.kubeconfig'), plane.apiserverUrl, 'kubelet')}`,
    `--hostname-override=${nodeName}`,
    `--node-ip=${bridgeAddress}`,
    `--root-dir=${join(dir, 'kubelet')}`,
    `--cert-dir=${join(dir, 'kubelet-pki')}`,
  ]);
  await waitFor(
    `node ${nodeName} Ready`,
    180_000,
    async () => {
      const node = JSON.parse(await apiGet(run, plane, `/api/v1/nodes/${nodeName}`)) as {
        status?: { conditions?: { type: string; status: string }[] };
      };
      return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
        ? true
        : undefined;
    },
    [run.logFile('kubelet'), run.logFile('containerd')],
  );
}

export function requireTools(tools: string, names: readonly string[]): void {
  const missing = names.filter((name) => !existsSync(join(tools, name)));
  if (missing.length > 0)
    throw new PhaseError(`missing from ${tools}: ${missing.join(', ')} (run scripts/e2e/toolchain.sh)`);
}

/**
 * What stopping containerd and kubelet leaves behind: pod containers keep running under their shims,
 * kubelet's root and the sandboxes' /dev/shm stay mounted. Removed here so the next run starts clean.
 */
export async function removeNodeLeftovers(run: Run, workDir: string): Promise<void> {
  const log = run.logFile('node-cleanup');
  const node = join(workDir, 'node');
  const runcRoot = '/run/containerd/runc/k8s.io';
  const listed = await exec('runc', ['--root', runcRoot, 'list', '--format', 'json'], { log }).catch(
    () => 'null',
  );
  const containers = (JSON.parse(listed) as { id: string; bundle: string }[] | null) ?? [];
  for (const { id } of containers.filter((c) => c.bundle.startsWith(node)))
    await exec('runc', ['--root', runcRoot, 'delete', '--force', id], { log }).catch(() => undefined);
  const socket = join(node, 'containerd.sock');
  const processes = await exec('ps', ['-eo', 'pid=,args='], { log: '/dev/null' });
  for (const line of processes.split('\n'))
    if (line.includes('containerd-shim') && line.includes(socket))
      await exec('kill', ['-KILL', line.trim().split(/\s+/)[0]!], { log }).catch(() => undefined);
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((point) => point.startsWith(`${node}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) await exec('umount', ['-l', point], { log }).catch(() => undefined);
}
