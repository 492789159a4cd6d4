// The ai-streaming scenario's side of a run: start the llm-mock, then time streams direct and through the gateway.
import { runStreams } from './ai-stream.js';
import { resolveImage, startContainer } from './containers.js';
import type { CpuPlan } from './cpu-plan.js';
import { repoRoot } from './gateway.js';
import { cpuSeconds, freePort, processProbe, startProcess, waitForHttp } from './processes.js';
import type { AiReport } from './report.js';
import { benchPaths } from './seed.js';
import type { Targets } from './targets.js';

export interface AiRunOptions {
  readonly quick: boolean;
  readonly containers: boolean;
  readonly cpuPlan: CpuPlan;
  readonly llmMockImage?: string;
  readonly log: (line: string) => void;
}

export interface Mock {
  readonly url: string;
  readonly description: string;
  stop(): Promise<void>;
}

/** The llm-mock as an OpenAI-compatible provider, paced so streams look like a model's. */
export async function startLlmMock(
  options: AiRunOptions,
  pacing: Targets['local']['aiMock'],
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<Mock> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    MOCK_FIRST_TOKEN_MS: String(pacing.firstTokenMs),
    MOCK_INTER_TOKEN_MS: String(pacing.interTokenMs),
    ...extraEnv,
  };
  if (options.containers) {
    const image = await resolveImage('llm-mock', options.llmMockImage);
    const container = await startContainer({
      name: 'llm-mock',
      image,
      env,
      cpus: options.cpuPlan.serverCpus,
      healthUrl: `${url}/healthz`,
    });
    return { url, description: `llm-mock container ${image}`, stop: container.stop };
  }
  const started = startProcess(
    'llm-mock',
    [...options.cpuPlan.servers, 'node', '--import', 'tsx', 'services/llm-mock/src/main.ts'],
    { cwd: repoRoot, env: { ...process.env, ...env } },
  );
  try {
    await waitForHttp(processProbe(started), `${url}/healthz`);
  } catch (error) {
    await started.stop();
    throw error;
  }
  return { url, description: 'llm-mock, local process (tsx)', stop: started.stop };
}

/** The ai-streaming scenario: the same streams straight to the mock and through the gateway. */
export async function measureAi(
  options: AiRunOptions,
  targets: Targets,
  mockUrl: string,
  gatewayUrl: string,
  apiKey: string,
  /** The gateway's process, for its CPU per stream (0: not known). */
  gatewayPid = 0,
): Promise<AiReport> {
  const scenario = targets.scenarios.aiStreaming;
  const durationS = options.quick ? targets.local.quick.aiDurationS : targets.local.durationS;
  // The load: 200 streams, below the provider's connection cap but past what two shared cores give the
  // mock, the client and the gateway (decision 0029). Then the k6 scenario's load (its VUs), where the added
  // time is the gateway's own work rather than a CPU queue.
  const concurrency = options.quick ? targets.local.quick.aiStreams : targets.local.aiStreams;
  const heavy = await streamPair(
    options,
    { mockUrl, gatewayUrl, apiKey, gatewayPid },
    concurrency,
    durationS,
  );
  const light = await streamPair(
    options,
    { mockUrl, gatewayUrl, apiKey, gatewayPid },
    scenario.vus,
    durationS,
  );
  return {
    model: scenario.model,
    concurrency,
    durationS,
    mock: targets.local.aiMock,
    rows: heavy.rows,
    addedTtftP50Ms: heavy.addedTtftP50Ms,
    addedTtftP95Ms: heavy.addedTtftP95Ms,
    gatewayCpu: heavy.gatewayCpu,
    light: { concurrency: scenario.vus, ...light },
    noisyNeighbour: null,
  };

  async function streamPair(
    opts: AiRunOptions,
    at: { mockUrl: string; gatewayUrl: string; apiKey: string; gatewayPid: number },
    streams: number,
    seconds: number,
  ) {
    const common = {
      model: scenario.model,
      maxTokens: scenario.maxTokens,
      concurrency: streams,
      durationS: seconds,
    };
    opts.log(`ai streaming: ${streams} concurrent streams, ${seconds} s direct and through the gateway`);
    const direct = await runStreams({
      ...common,
      id: 'ai-direct',
      label: `llm-mock direct (${streams} streams)`,
      url: `${at.mockUrl}/v1/chat/completions`,
      headers: {},
    });
    const cpuBefore = at.gatewayPid ? await cpuSeconds(at.gatewayPid) : null;
    const viaGateway = await runStreams({
      ...common,
      id: 'ai-gateway',
      label: `through the gateway (${streams} streams)`,
      url: `${at.gatewayUrl}${benchPaths.ai}/chat/completions`,
      headers: { authorization: `Bearer ${at.apiKey}` },
    });
    const cpu = cpuBefore === null ? null : (await cpuSeconds(at.gatewayPid)) - cpuBefore;
    const gatewayCpu =
      cpu === null || viaGateway.streams === 0
        ? null
        : {
            msPerStream: Math.round((cpu / viaGateway.streams) * 1e5) / 100,
            coresBusy: Math.round((cpu / seconds) * 100) / 100,
          };
    return {
      rows: [direct, viaGateway],
      addedTtftP50Ms: Math.round((viaGateway.ttftMs.p50 - direct.ttftMs.p50) * 100) / 100,
      addedTtftP95Ms: Math.round((viaGateway.ttftMs.p95 - direct.ttftMs.p95) * 100) / 100,
      gatewayCpu,
    };
  }
}
