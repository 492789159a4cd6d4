// Reading a request: its raw path, its query as an object and its body.
import type http from 'node:http';

export type Query = Record<string, string | string[]>;

/** Splits the request target as received (not normalised, not decoded) into path and query. */
export function splitTarget(target: string): { path: string; query: Query } {
  // Absolute-form targets (RFC 9112 §3.2.2) come from proxies; keep only the path part.
  const local = /^https?:\/\//i.test(target) ? target.replace(/^https?:\/\/[^/?#]*/i, '') || '/' : target;
  const mark = local.indexOf('?');
  const path = mark < 0 ? local : local.slice(0, mark);
  const query: Query = {};
  if (mark >= 0) {
    for (const [key, value] of new URLSearchParams(local.slice(mark + 1))) {
      const seen = query[key];
      if (seen === undefined) query[key] = value;
      else if (Array.isArray(seen)) seen.push(value);
      else query[key] = [seen, value];
    }
  }
  return { path, query };
}

/** Reads the whole body; keeps at most `keep` bytes of it but counts every byte. */
export async function readBody(
  req: http.IncomingMessage,
  keep: number,
): Promise<{ text: string; bytes: number }> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (keptBytes < keep) {
      const part = chunk.subarray(0, keep - keptBytes);
      kept.push(part);
      keptBytes += part.length;
    }
  }
  return { text: Buffer.concat(kept).toString('utf8'), bytes };
}
