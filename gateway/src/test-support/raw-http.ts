// Raw TCP for requests an HTTP client would refuse to send (smuggling shapes, trickled headers, cut bodies).
import type { Socket } from 'node:net';
import { connectRaw } from './transport.js';

export interface RawReply {
  /** Everything the server wrote, as latin1 text. */
  text: string;
  /** Status of the first response, or null when none came. */
  status: number | null;
  /** The server closed (or reset) the connection before our deadline. */
  closed: boolean;
  /** ms from the first byte sent to the close (or the deadline). */
  elapsedMs: number;
}

export interface RawOptions {
  /** Give up (and destroy the socket) after this; `closed` is then false. Default 3000. */
  deadlineMs?: number;
  /** Pause between the parts, to make sure each arrives as its own packet. Default 0. */
  gapMs?: number;
}

export function statusOf(text: string): number | null {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
  return m ? Number(m[1]) : null;
}

/** Opens a connection, writes each part in turn, and collects the answer until the server closes. */
export function rawExchange(
  port: number,
  parts: (string | Buffer)[],
  options: RawOptions = {},
): Promise<RawReply> {
  const { deadlineMs = 3000, gapMs = 0 } = options;
  return new Promise((resolve) => {
    const socket: Socket = connectRaw(port);
    const chunks: Buffer[] = [];
    const started = Date.now();
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ text, status: statusOf(text), closed, elapsedMs: Date.now() - started });
    };
    const deadline = setTimeout(() => finish(false), deadlineMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.once('connect', async () => {
      for (const [i, part] of parts.entries()) {
        if (done || socket.destroyed) return;
        if (i > 0 && gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
        if (!socket.destroyed) socket.write(part);
      }
    });
  });
}

/** Writes `text` one byte at a time every `everyMs`, as a slowloris client does; stops when the server closes. */
export function trickle(port: number, text: string, everyMs: number, deadlineMs: number): Promise<RawReply> {
  return rawExchange(port, text.split(''), { gapMs: everyMs, deadlineMs });
}

/** Header fields of the first response, names lower-cased. */
export function headersOf(text: string): Record<string, string> {
  const end = text.indexOf('\r\n\r\n');
  const out: Record<string, string> = {};
  for (const line of text.slice(0, end).split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    out[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return out;
}

/** Body of the first response, de-chunked when it was chunked. */
export function bodyOf(text: string): string {
  const start = text.indexOf('\r\n\r\n') + 4;
  if (headersOf(text)['transfer-encoding'] !== 'chunked') return text.slice(start);
  let body = '';
  let at = start;
  for (;;) {
    const eol = text.indexOf('\r\n', at);
    if (eol === -1) return body;
    const size = Number.parseInt(text.slice(at, eol), 16);
    if (!size) return body;
    body += text.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}
