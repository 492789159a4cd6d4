// The k6 scripts cannot run here (no k6 binary): they are type-checked against @types/k6, and their pure parts tested.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { countTokens } from './lib/sse.js';
import { type SummaryData, summaryText } from './lib/summary-text.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const scripts = ['ai-streaming.ts', 'auth-failures.ts', 'proxy-throughput.ts', 'quota-enforcement.ts'];

describe('k6 scripts', () => {
  it('type-check with @types/k6 (and no Node types)', { timeout: 60_000 }, async () => {
    const { stdout } = await run('npx', ['tsc', '-p', 'loadtest/k6', '--listFilesOnly'], { cwd: repoRoot });
    const files = stdout.split('\n');
    for (const script of scripts) expect(files).toContain(`${repoRoot}loadtest/k6/${script}`);
    expect(files.some((file) => file.includes('/@types/k6/'))).toBe(true);
    expect(files.some((file) => file.includes('/@types/node/'))).toBe(false);
    // A type error makes tsc exit non-zero, which rejects with its diagnostics.
    const checked = await run('npx', ['tsc', '-p', 'loadtest/k6'], { cwd: repoRoot });
    expect(checked.stdout).toBe('');
  });

  it('read their scenario from targets.json and fail on thresholds', () => {
    for (const script of scripts) {
      const source = readFileSync(new URL(`./${script}`, import.meta.url), 'utf8');
      expect(source, script).toContain("parseTargets(open('../targets.json'))");
      expect(source, script).toMatch(/thresholds: \{/);
      expect(source, script).toContain('export function handleSummary');
    }
  });
});

describe('countTokens', () => {
  const chunk = (content: string) => `data: ${JSON.stringify({ choices: [{ delta: { content } }] })}\n\n`;

  it('prefers the usage chunk and sees [DONE]', () => {
    const body = `${chunk('Hel')}${chunk('lo')}data: ${JSON.stringify({ choices: [], usage: { completion_tokens: 7 } })}\n\ndata: [DONE]\n\n`;
    expect(countTokens(body)).toEqual({ tokens: 7, done: true });
  });

  it('counts content deltas without usage, and a cut stream is not done', () => {
    expect(countTokens(`${chunk('a')}${chunk('')}${chunk('b')}: keep-alive\n`)).toEqual({
      tokens: 2,
      done: false,
    });
  });

  it('throws on an unparsable event', () => {
    expect(() => countTokens('data: {not json\n\n')).toThrow(SyntaxError);
  });
});

describe('summaryText', () => {
  it('lists metrics and thresholds and says when one failed', () => {
    const data: SummaryData = {
      state: { testRunDurationMs: 61_500 },
      metrics: {
        http_req_failed: {
          type: 'rate',
          values: { rate: 0.0005 },
          thresholds: { 'rate<=0.001': { ok: true } },
        },
        http_req_duration: {
          type: 'trend',
          contains: 'time',
          values: { avg: 2, med: 1.5, 'p(95)': 4.25, 'p(99)': 30, max: 80 },
          thresholds: { 'p(95)<10': { ok: true }, 'p(99)<25': { ok: false } },
        },
      },
    };
    expect(summaryText('proxy-throughput', data)).toBe(
      [
        'proxy-throughput: 61.5 s',
        '  http_req_duration            avg=2.00ms med=1.50ms p(95)=4.25ms p(99)=30.00ms max=80.00ms',
        '    ok     p(95)<10',
        '    FAILED p(99)<25',
        '  http_req_failed              rate=0.05%',
        '    ok     rate<=0.001',
        '1 threshold(s) FAILED: the run exits non-zero',
        '',
      ].join('\n'),
    );
  });
});

describe('xk6 build script', () => {
  it('prints the pinned k6 version and the recommended extension without building', async () => {
    const { stdout } = await run(
      'bash',
      ['loadtest/xk6/build-k6.sh', '--print', '--output', '/tmp/k6-out/k6'],
      {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, K6_VERSION: 'v2.3.0', XK6_SSE: 'github.com/phymbert/xk6-sse@v0.1.0' },
      },
    );
    expect(stdout).toMatch(/ build v2\.3\.0 /);
    expect(stdout).toContain('--with github.com/phymbert/xk6-sse@v0.1.0');
    expect(stdout).toMatch(/k6-out/);
  });

  it('rejects an unknown flag', async () => {
    await expect(
      run('bash', ['loadtest/xk6/build-k6.sh', '--bogus'], { cwd: repoRoot }),
    ).rejects.toMatchObject({
      code: 2,
      stderr: 'build-k6.sh: unknown argument --bogus\n',
    });
  });
});
