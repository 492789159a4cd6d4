// The masking guardrail: the patterns on their own (Luhn, phone-like digit runs, custom regexes), the settings'
// refusals (unsafe, invalid, empty-matching regexes), and end to end: llm-mock echoes the last user message,
// so its answer shows exactly what the provider received; the counts are read from the call log.
import safeRegex from 'safe-regex2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LlmMock,
  newTenant,
  postAi,
  seedAiApi,
  seedModel,
  seedProvider,
  startLlmMock,
} from '../../test-support/ai-fixtures.js';
import { startTestGateway, type TestGateway } from '../../test-support/harness.js';
import { maskJson, patternsOf } from './masker.js';
import { builtins, type Counts, luhn, maskText } from './patterns.js';
import { maskingSettings } from './schema.js';

const all = patternsOf(maskingSettings.parse({}));
const UNSAFE =
  'may backtrack catastrophically (a repetition inside a repetition) or uses syntax the safety check cannot ' +
  'read (lookbehind): rewrite it without them';

describe('patterns', () => {
  it('masks emails, Luhn-valid card numbers and phone numbers, and counts them', () => {
    const counts: Counts = {};
    const text =
      'Mail ann.lee+x@mail.example.co.uk or bob@example.com; card 4111 1111 1111 1111 and 5500-0000-0000-0004; ' +
      'call +44 20 7946 0958 or (555) 123-4567.';
    expect(maskText(text, all, counts)).toBe(
      'Mail [EMAIL] or [EMAIL]; card [CARD] and [CARD]; call [PHONE] or [PHONE].',
    );
    expect(counts).toEqual({ email: 2, card: 2, phone: 2 });
  });

  it('leaves what only looks like them: a failed Luhn check, dates, addresses, short numbers', () => {
    const counts: Counts = {};
    const text =
      'order 4111111111111112, on 2024-01-15, host 192.168.100.200, room 1234, v1.2.3, id x5551234567';
    expect(maskText(text, all, counts)).toBe(text);
    expect(counts).toEqual({});
    expect([luhn('4111111111111111'), luhn('4111111111111112'), luhn('0000')]).toEqual([true, false, false]);
  });

  it('built-in regexes pass the same safety check custom ones must', () => {
    for (const p of Object.values(builtins)) expect([p.name, safeRegex(p.regex)]).toEqual([p.name, true]);
  });

  it('custom patterns: case, replacement, order; only text members of a JSON body', () => {
    const patterns = patternsOf(
      maskingSettings.parse({
        patterns: [
          'email',
          { name: 'ticket', regex: 'tck-\\d{6}', ignoreCase: true, replacement: '<ticket>' },
        ],
      }),
    );
    const counts: Counts = {};
    const body = {
      model: 'TCK-123456',
      system: 'a@b.io',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'TCK-123456 tck-654321' }] },
        { role: 'assistant', content: 'x@y.org' },
      ],
      input: ['c@d.net'],
      metadata: { user_id: 'e@f.com' },
    };
    expect(maskJson(body, new Set(['content', 'text', 'input', 'system']), patterns, counts)).toEqual({
      model: 'TCK-123456',
      system: '[EMAIL]',
      messages: [
        { role: 'user', content: [{ type: 'text', text: '<ticket> <ticket>' }] },
        { role: 'assistant', content: '[EMAIL]' },
      ],
      input: ['[EMAIL]'],
      metadata: { user_id: 'e@f.com' },
    });
    expect(counts).toEqual({ email: 3, ticket: 2 });
  });

  it('refuses regexes that could backtrack catastrophically, do not compile or match nothing', () => {
    const issues = (regex: string) => {
      const r = maskingSettings.safeParse({ patterns: [{ name: 'x', regex }] });
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues('(a+)+$')).toEqual([`patterns.0.regex: ${UNSAFE}`]);
    expect(issues('(x')[0]).toMatch(/^patterns\.0\.regex: is not a valid regex: /);
    expect(issues('a*')).toEqual(['patterns.0.regex: matches the empty string']);
    expect(issues('[A-Z]{2}\\d{4}')).toEqual([]);
    expect(issues('(?<!x)y')).toEqual([`patterns.0.regex: ${UNSAFE}`]);
    const twice = maskingSettings.safeParse({ patterns: ['email', { name: 'email', regex: 'x' }] });
    expect(twice.success ? [] : twice.error.issues.map((i) => i.message)).toEqual([
      'names used twice: email',
    ]);
  });
});

describe('end to end', () => {
  let mock: LlmMock;
  let gw: TestGateway;
  let tenantId: string;
  beforeAll(async () => {
    mock = await startLlmMock();
    gw = await startTestGateway();
    tenantId = await newTenant(gw);
    for (const type of ['openai', 'anthropic'] as const) {
      const p = await seedProvider(gw, { tenantId, type, baseUrl: `${mock.url}/v1`, keys: [{ key: 'k' }] });
      await seedModel(gw, { tenantId, name: type, providerId: p.id, upstreamModel: `mock-${type}` });
    }
  });
  afterAll(async () => {
    await gw?.stop();
    await mock?.close();
  });

  async function post(path: string, key: string, body: unknown) {
    const { res, text, row } = await postAi(gw, path, key, body);
    return { res, text, masked: row.masked ? JSON.parse(row.masked) : null };
  }
  const secret = 'reach me at bob@example.com, card 4111-1111-1111-1111, ticket TCK-123456';
  const ask = (model: string, extra: Record<string, unknown> = {}) => ({
    model,
    messages: [
      { role: 'system', content: 'the customer is ann@example.org' },
      { role: 'user', content: secret },
    ],
    ...extra,
  });

  it('masks prompts before they leave, in either provider format, and logs the counts', async () => {
    const api = await seedAiApi(gw, {
      tenantId,
      kind: 'ai',
      basePath: '/m1',
      settings: {
        masking: { patterns: ['email', 'card', 'phone', { name: 'ticket', regex: 'TCK-\\d{6}' }] },
      },
    });
    for (const model of ['openai', 'anthropic']) {
      const { res, text, masked } = await post('/m1/chat/completions', api.key, ask(model));
      expect(res.status).toBe(200);
      // The mock echoes the user message it received: masked.
      expect(JSON.parse(text).choices[0].message.content).toBe(
        'echo: reach me at [EMAIL], card [CARD], ticket [TICKET]',
      );
      expect(masked).toEqual({ prompt: { email: 2, card: 1, ticket: 1 } });
    }
    // Streamed: the prompt is masked all the same.
    const streamed = await post('/m1/chat/completions', api.key, ask('openai', { stream: true }));
    expect(streamed.text).toContain('"content":"[EMAIL], "');
    expect(streamed.text).not.toContain('bob@example.com');
    expect(streamed.masked).toEqual({ prompt: { email: 2, card: 1, ticket: 1 } });
    // Embeddings' input too.
    const embedded = await post('/m1/embeddings', api.key, { model: 'openai', input: ['x bob@example.com'] });
    expect(embedded.res.status).toBe(200);
    expect(embedded.masked).toEqual({ prompt: { email: 1 } });
  });

  it('masks whole answers when asked, never a stream; prompt APIs too', async () => {
    // Only the answer says "echo:", so only the answer has something for this pattern.
    const patterns = ['email', { name: 'echo', regex: 'echo:', replacement: '>>' }];
    const api = await seedAiApi(gw, {
      tenantId,
      kind: 'ai',
      basePath: '/m2',
      settings: { masking: { patterns, answers: true } },
    });
    const whole = await post('/m2/chat/completions', api.key, ask('openai'));
    expect(JSON.parse(whole.text).choices[0].message.content).toBe(
      '>> reach me at [EMAIL], card 4111-1111-1111-1111, ticket TCK-123456',
    );
    expect(whole.masked).toEqual({ prompt: { email: 2 }, answer: { echo: 1 } });
    const streamed = await post('/m2/chat/completions', api.key, ask('openai', { stream: true }));
    expect(streamed.text).toContain('"content":"echo: "');
    expect(streamed.masked).toEqual({ prompt: { email: 2 } });

    const prompt = await seedAiApi(gw, {
      tenantId,
      kind: 'prompt',
      basePath: '/m3',
      settings: {
        model: 'anthropic',
        template: 'Summarize {{text}}',
        variables: { text: { type: 'string' } },
        masking: { patterns, answers: true },
      },
    });
    const summary = await post('/m3', prompt.key, { text: 'mail bob@example.com' });
    expect(summary.res.status).toBe(200);
    expect(JSON.parse(summary.text).output).toBe('>> Summarize mail [EMAIL]');
    expect(summary.masked).toEqual({ prompt: { email: 1 }, answer: { echo: 1 } });
  });

  it('refuses an unsafe custom regex when the API is written', async () => {
    const r = await gw.admin.request('POST', '/admin/v1/apis', {
      tenantId,
      name: 'unsafe',
      basePath: '/m4',
      kind: 'ai',
      settings: { masking: { patterns: [{ name: 'bad', regex: '([a-z]+)*$' }] } },
    });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      {
        in: 'body',
        field: 'settings.masking.patterns.0.regex',
        message: UNSAFE,
      },
    ]);
  });
});
