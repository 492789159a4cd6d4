// The call log's write path: records wait in a bounded queue and are written in batches, off the request path.
// A store outage leaves them queued (up to the bound) until it returns; past the bound they are dropped and counted.
import { Worker } from 'node:worker_threads';
import type SqliteDatabase from 'better-sqlite3';
import type { Store } from '../store/db.js';
import { blankRecord, type CallRecord } from './call-record.js';

export type CallLogRow = ReturnType<typeof toRow>;

export interface CallLogQueueOptions {
  /** Writes one batch; see callLogWriter. */
  write(rows: CallLogRow[]): Promise<void>;
  maxSize: number;
  batchSize: number;
  flushMs: number;
  onDepth(depth: number): void;
  onDrop(count: number): void;
  onWriteError(err: Error): void;
}

export function toRow(r: CallRecord) {
  return {
    ts: r.ts,
    request_id: r.requestId,
    tenant_id: r.tenantId,
    api_id: r.apiId,
    app_id: r.appId,
    app_tenant_id: r.appTenantId,
    subscription_id: r.subscriptionId,
    method: r.method,
    path: r.path.slice(0, 2048),
    status: r.status,
    latency_ms: Math.round(r.latencyMs * 1000) / 1000,
    upstream_latency_ms: r.upstreamLatencyMs === null ? null : Math.round(r.upstreamLatencyMs * 1000) / 1000,
    bytes_in: r.bytesIn,
    bytes_out: r.bytesOut,
    client_ip: r.clientIp,
    error_kind: r.errorKind,
    model: r.model,
    prompt_tokens: r.promptTokens,
    completion_tokens: r.completionTokens,
    cost_usd: r.costUsd,
    attempts: r.attempts ? JSON.stringify(r.attempts) : null,
    auth_method: r.authMethod,
    client_request_id: r.clientRequestId,
    ai_cache: r.cache,
    masked: r.masked ? JSON.stringify(r.masked) : null,
  };
}

export interface CallLogWriter {
  write(rows: CallLogRow[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * The batch writer for a store. A SQLite file is written by a worker thread with its own connection
 * (call-log-worker.mjs): better-sqlite3 is synchronous, and a 500-row batch plus the WAL checkpoints it
 * triggers held the event loop for milliseconds, which showed in the p99 of every call. An in-memory
 * SQLite database (tests) cannot be shared with a thread, so it is written inline with one prepared
 * statement. PostgreSQL gets one multi-row INSERT per batch through Kysely (pg is asynchronous already).
 */
export function callLogWriter(store: Store): CallLogWriter {
  if (store.sqlite && store.sqliteFile) return threadWriter(store.sqliteFile);
  if (store.sqlite) return inlineWriter(store.sqlite);
  return {
    write: async (rows) => void (await store.db.insertInto('call_logs').values(rows).execute()),
    close: async () => {},
  };
}

/**
 * The one INSERT for a call-log row, its parameters in toRow's key order; the inline and the thread writer both
 * run it with `Object.values(row)`. Rows cross to the writer thread as arrays of values: the structured clone of
 * a batch costs half of what it does for objects, whose 22 key names are written out for every row (0.56 against
 * 1.13 µs per row on the event loop, docs/performance.md).
 */
export function insertCallLogSql(): string {
  const columns = Object.keys(toRow(blankRecord));
  return `insert into call_logs (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`;
}

function inlineWriter(db: SqliteDatabase.Database): CallLogWriter {
  let insertAll: ((rows: CallLogRow[]) => void) | null = null;
  const prepare = () => {
    const insert = db.prepare(insertCallLogSql());
    return db.transaction((rows: CallLogRow[]) => {
      for (const row of rows) insert.run(Object.values(row));
    });
  };
  return {
    write: async (rows) => {
      try {
        insertAll ??= prepare();
        insertAll(rows);
      } catch (err) {
        insertAll = null; // prepared against a schema that may have changed: prepare again next time
        throw err;
      }
    },
    close: async () => {},
  };
}

function threadWriter(file: string): CallLogWriter {
  const pending = new Map<number, { resolve(): void; reject(err: Error): void }>();
  let nextId = 0;
  let worker: Worker | null = null;
  const start = (): Worker => {
    const w = new Worker(new URL('./call-log-worker.mjs', import.meta.url), {
      workerData: { file, sql: insertCallLogSql() },
    });
    w.on('message', (m: { id: number; ok: boolean; message?: string }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (pending.size === 0) w.unref();
      if (m.ok) p?.resolve();
      else p?.reject(new Error(m.message));
    });
    // A dead worker fails what it held; the next batch starts a new one.
    const fail = (err: Error) => {
      for (const p of pending.values()) p.reject(err);
      pending.clear();
      if (worker === w) worker = null;
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`call-log writer thread exited with ${code}`)));
    w.unref();
    return w;
  };
  return {
    write(rows) {
      worker ??= start();
      const id = nextId++;
      // Referenced only while a batch is in flight: it keeps a draining process alive, never an idle one.
      worker.ref();
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker!.postMessage({ id, rows: rows.map((row) => Object.values(row)) });
      });
    },
    async close() {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}

export class CallLogQueue {
  #queue: CallRecord[] = [];
  #timer: NodeJS.Timeout | null = null;
  #writing: Promise<void> | null = null;

  constructor(private readonly o: CallLogQueueOptions) {}

  get depth(): number {
    return this.#queue.length;
  }

  push = (record: CallRecord): void => {
    if (this.#queue.length >= this.o.maxSize) {
      this.o.onDrop(1);
      return;
    }
    this.#queue.push(record);
    this.o.onDepth(this.#queue.length);
    if (this.#queue.length >= this.o.batchSize && !this.#writing) void this.flushOnce();
  };

  start(): void {
    this.#timer = setInterval(() => void this.flushOnce(), this.o.flushMs);
    this.#timer.unref();
  }

  /** Writes one batch. A failed batch goes back to the head of the queue, so order and content survive. */
  flushOnce(): Promise<void> {
    if (this.#writing) return this.#writing;
    if (this.#queue.length === 0) return Promise.resolve();
    const batch = this.#queue.splice(0, this.o.batchSize);
    this.#writing = this.o
      .write(batch.map(toRow))
      .then(
        () => undefined,
        (err: Error) => {
          this.#queue.unshift(...batch);
          // Whatever no longer fits (new records arrived meanwhile) is dropped from the tail: the newest.
          const over = this.#queue.length - this.o.maxSize;
          if (over > 0) {
            this.#queue.length = this.o.maxSize;
            this.o.onDrop(over);
          }
          this.o.onWriteError(err);
          throw err;
        },
      )
      .finally(() => {
        this.#writing = null;
        this.o.onDepth(this.#queue.length);
      });
    return this.#writing.catch(() => {});
  }

  /** Drains everything (at shutdown); gives up after `deadlineMs` if the store stays down. */
  async drain(deadlineMs: number): Promise<void> {
    const until = Date.now() + deadlineMs;
    while ((this.#queue.length > 0 || this.#writing) && Date.now() < until) {
      if (this.#writing) await this.#writing.catch(() => {});
      else {
        const before = this.#queue.length;
        await this.flushOnce();
        if (this.#queue.length >= before) await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}
