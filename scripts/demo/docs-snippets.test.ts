// The README's walk-through and AI snippets and docs/ai.md's examples, run verbatim as a reader runs them:
// once right after `npm start`, once on a bare gateway started by the README's own lines.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Parts, runIsolated, snippet, snippetsOf, tsFile } from './snippets.js';

const README = 'README.md';
const AI_MD = 'docs/ai.md';

// Shell and TypeScript blocks that are not run here, and why; every other one must be.
const NOT_RUN: Record<string, string> = {
  'npm install && npm start': 'the demo tests run `npm start` (scripts/demo/demo.test.ts)',
  'npm install && npm test': 'CI runs exactly this (.ci/run)',
  'docker compose up --build        # or: docker-compose up --build (the standalone v1 client)':
    'scripts/compose/compose.test.ts runs compose.yaml with docker-compose',
  [[
    'npx gateway-kit login --url http://localhost:8080 --token <the admin token the demo printed>',
    'npx gateway-kit export > gateway.yaml      # the state as a file, never a secret',
    'npx gateway-kit diff -f gateway.yaml       # what apply would change',
    'npx gateway-kit apply -f gateway.yaml      # idempotent; --prune deletes what the files no longer hold',
  ].join('\n')]: 'a placeholder to fill in; the CLI tests run these commands against a real gateway',
  [[
    'ADMIN_TOKEN=change-me-to-something-long npx tsx gateway/src/main.ts',
    '# or, compiled',
    'npm run build && ADMIN_TOKEN=change-me-to-something-long node gateway/dist/main.js',
  ].join('\n')]: 'long-running; the own-gateway snippet starts the gateway the same way',
};

// A part's output may not end its last line: each marker starts on a line of its own.
const parts = (name: string) => `echo; echo '::: ${name}'`;

/** The walk-through, then docs/ai.md's set-up and both OpenAI-client snippets, in one bash as pasted. */
function walkThroughAndAi(readmeClientEnv: string): string {
  return [
    parts('walk-through'),
    snippet(README, 'walk-through'),
    parts('ai-setup'),
    snippet(AI_MD, 'ai-setup'),
    parts('ai-md-client'),
    `GATEWAY_KEY=$KEY npx tsx ${tsFile(AI_MD, 'ai-md-client')}`,
    parts('readme-client'),
    `env ${readmeClientEnv} npx tsx ${tsFile(README, 'ai-client')}`,
    parts('done'),
  ].join('\n');
}

function expectWorked(result: { code: number | null; parts: Parts }) {
  const { walkThrough, aiSetup } = {
    walkThrough: result.parts['walk-through'] ?? '',
    aiSetup: result.parts['ai-setup'] ?? '',
  };
  expect(result.code, JSON.stringify(result.parts, null, 2)).toBe(0);
  expect(walkThrough).toMatch(/^HTTP\/1\.1 200 OK\r$/m);
  const echoed = JSON.parse(walkThrough.slice(walkThrough.indexOf('\r\n\r\n') + 4));
  expect(echoed).toMatchObject({ method: 'GET', path: '/hello' });
  const completion = JSON.parse(aiSetup);
  expect(completion).toMatchObject({
    model: 'claude',
    choices: [{ message: { role: 'assistant', content: 'echo: hi' } }],
  });
  expect(result.parts['ai-md-client']).toBe('echo: hi\n');
  expect(result.parts['readme-client']).toBe('echo: hi\n');
  expect(result.parts.done).toBe('');
}

describe('documented snippets', () => {
  it('are all run here, or listed with the reason they are not', () => {
    const blocks = [...snippetsOf(README), ...snippetsOf(AI_MD)].filter((s) => ['sh', 'ts'].includes(s.lang));
    const unnamed = blocks.filter((s) => s.name === null).map((s) => s.code.trim());
    expect(unnamed.sort()).toEqual(Object.keys(NOT_RUN).sort());
    expect(blocks.filter((s) => s.name !== null).map((s) => `${s.file}#${s.name}`)).toEqual([
      'README.md#own-gateway',
      'README.md#walk-through',
      'README.md#ai-client',
      'docs/ai.md#ai-setup',
      'docs/ai.md#ai-md-client',
    ]);
  });

  it('work verbatim right after `npm start`', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'gk-snippets-')), 'demo.db');
    const script = [
      `DEMO_DB=${db} npm start > ${db}.log 2>&1 &`,
      `for _ in $(seq 600); do grep -q 'Ctrl-C stops everything.' ${db}.log && break; sleep 0.5; done`,
      // The reader copies the demo's `T=…` line; the README client gets the demo's printed URL and key.
      `eval "$(grep '^T=' ${db}.log)"`,
      `AI_COMMAND=$(grep '^GATEWAY_URL=' ${db}.log)`,
      walkThroughAndAi('$(echo "$AI_COMMAND" | sed "s/ npx.*//")'),
    ].join('\n');
    expectWorked(await runIsolated(script, 240_000));
  }, 300_000);

  it('work verbatim on a bare gateway started by the README', async () => {
    const script = [
      parts('own-gateway'),
      snippet(README, 'own-gateway'),
      walkThroughAndAi('GATEWAY_URL=http://localhost:8080/llm/v1 GATEWAY_KEY=$KEY'),
    ].join('\n');
    const result = await runIsolated(script, 240_000);
    expectWorked(result);
    expect(result.parts['own-gateway']).toBe('');
  }, 300_000);
});
