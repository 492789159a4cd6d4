// Responses that are slow, large, streamed or broken on purpose, for the gateway's fault tests.
import type http from 'node:http';
import { pipeline, Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { EchoError } from './errors.js';
import type { Query } from './request.js';

export const LIMITS = {
  maxDelayMs: 60_000,
  maxBytes: 100 * 1024 * 1024,
  maxStreamCount: 10_000,
  maxStreamIntervalMs: 60_000,
  /** `/reset-mid` announces this many bytes and sends half of them. */
  resetMidLength: 1024,
} as const;

const CHUNK_SIZE = 64 * 1024;
// Byte i of every `/bytes` body is i % 256: a multiple of 256 per chunk keeps that true across chunks.
const PATTERN = Buffer.from(Array.from({ length: CHUNK_SIZE }, (_, i) => i % 256));

/** Parses a whole number from a path segment or query value, or throws a 400 naming it. */
export function wholeNumber(
  name: string,
  raw: string | string[] | undefined,
  min: number,
  max: number,
): number {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || !/^\d{1,16}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new EchoError('BAD_PARAMETER', `${name} must be a whole number from ${min} to ${max}`);
  }
  return Number(value);
}

export function writeJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** `/status/{code}`: that status; a `{status}` body unless the status forbids one. */
export function sendStatus(res: http.ServerResponse, code: number): void {
  if (code === 204 || code === 205 || code === 304) {
    res.writeHead(code);
    res.end();
    return;
  }
  writeJson(res, code, { status: code });
}

/** Resolves true after `ms`, or false as soon as the client goes away (the timer is cleared). */
export async function waitUnlessClosed(res: http.ServerResponse, ms: number): Promise<boolean> {
  if (res.destroyed) return false;
  const controller = new AbortController();
  const abort = () => controller.abort();
  res.once('close', abort);
  try {
    await sleep(ms, undefined, { signal: controller.signal });
    return true;
  } catch {
    return false;
  } finally {
    res.off('close', abort);
  }
}

function* patternChunks(total: number): Generator<Buffer> {
  for (let left = total; left > 0; left -= CHUNK_SIZE) yield PATTERN.subarray(0, Math.min(left, CHUNK_SIZE));
}

/** `/bytes/{n}`: n deterministic bytes, streamed with back-pressure. */
export function sendBytes(res: http.ServerResponse, total: number): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
  // A client that leaves mid-body is an expected outcome here, not an error to report.
  pipeline(Readable.from(patternChunks(total)), res, () => {});
}

/** `/stream?count=N&intervalMs=M`: N SSE events `{"n":i}` (i from 0), one every M ms, then `[DONE]`. */
export async function sendEventStream(res: http.ServerResponse, query: Query): Promise<void> {
  const count = query.count === undefined ? 5 : wholeNumber('count', query.count, 0, LIMITS.maxStreamCount);
  const intervalMs =
    query.intervalMs === undefined
      ? 100
      : wholeNumber('intervalMs', query.intervalMs, 0, LIMITS.maxStreamIntervalMs);
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  res.flushHeaders();
  for (let n = 0; n < count; n++) {
    if (n > 0 && !(await waitUnlessClosed(res, intervalMs))) return;
    res.write(`data: ${JSON.stringify({ n })}\n\n`);
  }
  res.end('data: [DONE]\n\n');
}

/** `/drop`: close the connection without any response. */
export function drop(req: http.IncomingMessage): void {
  req.socket.destroy();
}

/** `/reset-mid`: headers and half the announced body, then the connection is destroyed. */
export function resetMidResponse(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': LIMITS.resetMidLength });
  res.write(PATTERN.subarray(0, LIMITS.resetMidLength / 2), () => res.socket?.destroy());
}
