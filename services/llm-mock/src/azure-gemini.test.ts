// The Azure OpenAI and Gemini native formats: paths, auth headers, api-version, exact bodies and stream chunks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, events, startMock, stopAll } from './test-support.js';

let url: string;
beforeAll(async () => {
  url = await startMock({ apiKeys: ['k1'], now: () => 1_700_000_000_000 });
});
afterAll(stopAll);

const azure = (path: string, query = '?api-version=2024-10-21') =>
  `${url}/openai/deployments/dep-1/${path}${query}`;

describe('Azure OpenAI', () => {
  it('answers chat at the deployment path with api-key, the deployment as the model', async () => {
    const res = await call(azure('chat/completions'), {
      headers: { 'api-key': 'k1' },
      body: { messages: [{ role: 'user', content: 'hi there' }] },
    });
    const body = JSON.parse(res.text);
    expect([res.status, body.model, body.choices[0].message.content, body.usage]).toEqual([
      200,
      'dep-1',
      'echo: hi there',
      { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
    ]);
  });

  it('refuses a call without api-version (400) or with a Bearer key only (401)', async () => {
    const noVersion = await call(azure('chat/completions', ''), {
      headers: { 'api-key': 'k1' },
      body: { messages: [{ role: 'user', content: 'x' }] },
    });
    expect([noVersion.status, JSON.parse(noVersion.text).error.message]).toEqual([
      400,
      'api-version: query parameter is required',
    ]);
    const bearer = await call(azure('embeddings'), {
      headers: { authorization: 'Bearer k1' },
      body: { input: 'x' },
    });
    expect([bearer.status, JSON.parse(bearer.text).error.message]).toEqual([
      401,
      'missing or invalid key in the api-key header',
    ]);
  });
});

describe('Gemini native', () => {
  const request = {
    systemInstruction: { parts: [{ text: 'be kind' }] },
    contents: [{ role: 'user', parts: [{ text: 'hello big world' }] }],
    generationConfig: { maxOutputTokens: 3 },
  };
  const headers = { 'x-goog-api-key': 'k1' };

  it('answers generateContent with usageMetadata', async () => {
    const res = await call(`${url}/v1beta/models/gem-1:generateContent`, { headers, body: request });
    expect([res.status, JSON.parse(res.text)]).toEqual([
      200,
      {
        candidates: [
          {
            content: { parts: [{ text: 'echo: hello big ' }], role: 'model' },
            finishReason: 'MAX_TOKENS',
            index: 0,
          },
        ],
        usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 3, totalTokenCount: 8 },
        modelVersion: 'gem-1',
        responseId: expect.stringMatching(/^gen-mock-\d+$/),
      },
    ]);
  });

  it('streams one chunk per token, the last with finishReason and the whole usage', async () => {
    const res = await call(`${url}/v1beta/models/gem-1:streamGenerateContent?alt=sse&key=k1`, {
      body: request,
    });
    const chunks = events(res.text).map((e) => e.data as Record<string, any>);
    expect(chunks.map((c) => c.candidates[0].content.parts[0].text)).toEqual([
      'echo: ',
      'hello ',
      'big ',
      '',
    ]);
    expect([chunks.at(-1)!.candidates[0].finishReason, chunks.at(-1)!.usageMetadata]).toEqual([
      'MAX_TOKENS',
      { promptTokenCount: 5, candidatesTokenCount: 3, totalTokenCount: 8 },
    ]);
  });

  it("answers errors in Google's shape", async () => {
    const res = await call(`${url}/v1beta/models/gem-1:generateContent`, {
      headers: { 'x-goog-api-key': 'no' },
      body: request,
    });
    expect([res.status, JSON.parse(res.text)]).toEqual([
      401,
      {
        error: {
          code: 401,
          message: 'missing or invalid key in the x-goog-api-key header',
          status: 'UNAUTHENTICATED',
        },
      },
    ]);
  });
});
