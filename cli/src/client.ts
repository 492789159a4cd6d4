// A small admin API client: bearer auth, JSON in and out, problem+json turned into ApiError, lists paged.
import { ApiError, CliError } from './errors.js';

export interface Connection {
  url: string;
  token: string;
}

type Query = Record<string, string | number | undefined>;

export class AdminApi {
  private readonly base: string;
  readonly url: string;

  constructor(private readonly conn: Connection) {
    this.url = conn.url.replace(/\/+$/, '');
    this.base = `${this.url}/admin/v1`;
  }

  /** The gateway's readiness probe (store reachable, snapshot loaded). */
  async ready(): Promise<boolean> {
    try {
      return (await fetch(`${this.url}/readyz`)).ok;
    } catch {
      return false;
    }
  }

  async call<T = unknown>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    const url = new URL(this.base + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const label = `${method} ${url.pathname}${url.search}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.conn.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new CliError(
        `cannot reach ${this.conn.url}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`,
      );
    }
    const text = await res.text();
    const parsed = text ? safeJson(text) : undefined;
    if (!res.ok) throw new ApiError(res.status, (parsed as object) ?? { detail: text }, label);
    return parsed as T;
  }

  /** Every item of a list, following `nextCursor` when the route pages (at its default page size). */
  async list<T = Record<string, unknown>>(path: string, query: Query = {}): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.call<{ items: T[]; nextCursor?: string | null }>('GET', path, undefined, {
        ...query,
        cursor,
      });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text };
  }
}
