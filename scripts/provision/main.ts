// `npm test`'s pretest: makes sure every server and tool the suite uses is there, and hands vitest their
// addresses. As root on Debian/Ubuntu it installs (apt) and starts what is missing, as CI needs; anywhere
// else it names each missing piece and how to get it, and fails. It never lets the suite skip silently.
// GATEWAY_KIT_PROVISION=check only checks and reports, even as root.
import { type Prerequisite, prerequisites, redact, type TestEnv, testEnv } from './prerequisites.js';
import { onPath, run } from './system.js';
import { testEnvFile, writeTestEnv } from './test-env.js';

interface Missing {
  readonly prerequisite: Prerequisite;
  readonly reason: string;
}

async function missing(env: TestEnv): Promise<Missing[]> {
  const results = await Promise.all(
    prerequisites.map(async (prerequisite) => ({ prerequisite, reason: await prerequisite.check(env) })),
  );
  return results.filter((r): r is Missing => r.reason !== null);
}

function canInstall(): boolean {
  return process.getuid?.() === 0 && onPath('apt-get') !== null && onPath('dpkg') !== null;
}

async function install(gaps: readonly Missing[]): Promise<void> {
  const packages: string[] = [];
  for (const pkg of new Set(gaps.flatMap((gap) => gap.prerequisite.packages))) {
    if ((await run('dpkg', ['-s', pkg])).code !== 0) packages.push(pkg);
  }
  if (packages.length === 0) return;
  console.log(`pretest: apt-get install ${packages.join(' ')}`);
  process.env.DEBIAN_FRONTEND = 'noninteractive';
  const update = await run('apt-get', ['update', '-qq'], 600_000);
  if (update.code !== 0) console.error(`pretest: apt-get update failed:\n${update.output}`);
  const result = await run('apt-get', ['install', '-y', '-qq', ...packages], 1_800_000);
  if (result.code !== 0) console.error(`pretest: apt-get install failed:\n${result.output}`);
}

async function start(gaps: readonly Missing[], env: TestEnv): Promise<void> {
  for (const { prerequisite } of gaps) {
    const userSet = prerequisite.variable !== undefined && Boolean(process.env[prerequisite.variable]);
    if (!prerequisite.start || userSet) continue;
    console.log(`pretest: starting ${prerequisite.name}`);
    await prerequisite.start(env);
  }
}

function report(gaps: readonly Missing[], installed: boolean): string {
  const lines = ['npm test needs these and cannot find them:'];
  for (const { prerequisite, reason } of gaps) {
    lines.push(`  - ${prerequisite.name}: ${reason}`);
    lines.push(
      `    get it: Debian/Ubuntu: apt-get install ${prerequisite.packages.join(' ')}; elsewhere: ${prerequisite.elsewhere}`,
    );
  }
  lines.push(
    installed
      ? 'They were installed and started but still fail; see the lines above (and /tmp/dockerd.log, /tmp/registry.log).'
      : 'As root on Debian or Ubuntu, `npm test` installs and starts all of them itself (what .ci/run relies on).',
  );
  return lines.join('\n');
}

async function main(): Promise<number> {
  const env = testEnv(process.env);
  let gaps = await missing(env);
  const installing = gaps.length > 0 && process.env.GATEWAY_KIT_PROVISION !== 'check' && canInstall();
  if (installing) {
    await install(gaps);
    await start(gaps, env);
    gaps = await missing(env);
  }
  if (gaps.length > 0) {
    console.error(report(gaps, installing));
    return 1;
  }
  writeTestEnv(env);
  console.log(
    `pretest: ${prerequisites.map((p) => p.name).join(', ')} ready; ` +
      `TEST_POSTGRES_URL=${redact(env.TEST_POSTGRES_URL)} TEST_REDIS_URL=${env.TEST_REDIS_URL} ` +
      `TEST_REGISTRY=${env.TEST_REGISTRY} (in ${testEnvFile()})`,
  );
  return 0;
}

process.exit(await main());
