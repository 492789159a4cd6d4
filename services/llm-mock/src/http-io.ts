// Reading JSON bodies and writing JSON or server-sent-event responses, with the waits a client can cut short.
import type http from 'node:http';
import { LlmMockError } from './errors.js';

/** Waits `ms`; rejects when `signal` aborts. Injectable so tests can observe the waits instead of timing them. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** One server-sent event: `event:` is what Anthropic uses, OpenAI sends `data:` only. */
export interface SseEvent {
  event?: string;
  data: string;
}

/** A streamed answer: the opening events go out with the headers, one delta per token, then the closing events. */
export interface StreamPlan {
  opening: SseEvent[];
  deltas: SseEvent[];
  closing: SseEvent[];
}

export async function readJson(req: http.IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new LlmMockError(413, `request body is over ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new LlmMockError(413, `request body is over ${limit} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new LlmMockError(400, 'the request body is not valid JSON');
  }
}

export function writeJson(
  res: http.ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function format(event: SseEvent): string {
  return (event.event ? `event: ${event.event}\n` : '') + `data: ${event.data}\n\n`;
}

/**
 * Plays a stream plan: waits `firstTokenMs` before the first delta and `interTokenMs` before each next one.
 * With `failAfterTokens`, the connection is destroyed once that many deltas (or all of them) are out; with
 * `pauseAfterTokens`, the stream is held after that many deltas (if it has more) until released.
 * Returns early, writing nothing more, when the client goes away.
 */
export async function playStream(
  res: http.ServerResponse,
  plan: StreamPlan,
  timing: {
    firstTokenMs: number;
    interTokenMs: number;
    failAfterTokens: number | undefined;
    pauseAfterTokens: number | undefined;
  },
  wait: (ms: number) => Promise<boolean>,
  /** Holds the stream until released; false when the client left meanwhile. */
  pause: () => Promise<boolean>,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  let flushed: Promise<void> = Promise.resolve();
  const send = (event: SseEvent) => {
    flushed = new Promise((resolve) => res.write(format(event), () => resolve()));
  };
  plan.opening.forEach(send);
  const failAt = timing.failAfterTokens;
  const count = failAt === undefined ? plan.deltas.length : Math.min(failAt, plan.deltas.length);
  for (let i = 0; i < count; i++) {
    if (i === timing.pauseAfterTokens && !(await pause())) return;
    if (!(await wait(i === 0 ? timing.firstTokenMs : timing.interTokenMs))) return;
    send(plan.deltas[i]!);
  }
  if (failAt !== undefined) {
    // Destroy only once what was sent has reached the socket, so the client sees exactly `count` deltas.
    await flushed;
    res.socket?.destroy();
    return;
  }
  plan.closing.forEach(send);
  res.end();
}
