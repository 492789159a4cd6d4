// The requests auth policies send themselves (a JWKS document, a token introspection): through the outbound
// guard's connector (security/outbound.ts), with the gateway's Via hop, a timeout and a bounded JSON body.
import { Agent, type buildConnector, request } from 'undici';

const MAX_BYTES = 256 * 1024;

export class OutboundJson {
  readonly #agent: Agent;
  readonly #via: string;

  constructor(connector: buildConnector.connector, via: string) {
    this.#agent = new Agent({ connect: connector, connections: 16, keepAliveTimeout: 30_000 });
    this.#via = via;
  }

  /** GETs (or POSTs a form to) `url`; resolves with the parsed JSON of a 200, throws otherwise. */
  async send(
    url: string,
    options: { timeoutMs: number; form?: URLSearchParams; headers?: Record<string, string> },
  ): Promise<unknown> {
    const res = await request(url, {
      dispatcher: this.#agent,
      method: options.form ? 'POST' : 'GET',
      headers: {
        accept: 'application/json',
        via: this.#via,
        ...(options.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...options.headers,
      },
      body: options.form?.toString(),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new Error(`${url} answered ${res.statusCode}`);
    }
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_BYTES) {
        res.body.destroy();
        throw new Error(`${url} answered more than ${MAX_BYTES} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}
