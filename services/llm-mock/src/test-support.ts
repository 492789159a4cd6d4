// Helpers for this service's tests: start a mock on port 0 and read answers, broken ones included.
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLlmMockServer, type LlmMockServerOptions } from './server.js';

const running: http.Server[] = [];

/** Starts a mock on 127.0.0.1:0 with a fixed clock; `stopAll` closes every one started. */
export async function startMock(options: LlmMockServerOptions = {}): Promise<string> {
  const server = createLlmMockServer({ now: () => 1_700_000_000_000, ...options });
  running.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function stopAll(): Promise<void> {
  await Promise.all(
    running.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** Set when the connection broke before the body ended. */
  error?: string;
}

/** Sends a request and reads the whole answer, keeping what arrived before a broken connection. */
export async function call(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json', ...init.headers },
    body:
      init.body === undefined
        ? undefined
        : typeof init.body === 'string'
          ? init.body
          : JSON.stringify(init.body),
  });
  const decoder = new TextDecoder();
  let text = '';
  let error: string | undefined;
  try {
    for await (const chunk of res.body ?? []) text += decoder.decode(chunk as Uint8Array, { stream: true });
  } catch (e) {
    error = (e as Error).message;
  }
  const headers = Object.fromEntries(res.headers);
  return { status: res.status, headers, text, ...(error === undefined ? {} : { error }) };
}

/** Splits an SSE body into its events, as `{ event?, data }` with `data` parsed when it is JSON. */
export function events(text: string): { event?: string; data: unknown }[] {
  return text
    .split('\n\n')
    .filter((block) => block !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
      const data = lines.find((l) => l.startsWith('data: '))?.slice(6) ?? '';
      const parsed = data.startsWith('{') ? JSON.parse(data) : data;
      return event === undefined ? { data: parsed } : { event, data: parsed };
    });
}
