// One call in a drawer: where its time went (gateway vs upstream), its bytes, AI tokens and cost, and each
// provider attempt of an AI call.
import { Drawer, Head, millis, num } from '../shell/ui.js';
import type { Call } from './logs-page.js';

export function CallDetail({
  call,
  onClose,
  api,
  app,
}: {
  call: Call | null;
  onClose: () => void;
  api: (id: string | null) => string;
  app: (id: string | null) => string;
}) {
  const overhead = call && call.upstreamLatencyMs !== null ? call.latencyMs - call.upstreamLatencyMs : null;
  return (
    <Drawer title={call ? `Call ${call.requestId}` : 'Call'} open={call !== null} onClose={onClose}>
      {call && (
        <>
          <dl className="facts">
            <dt>Time</dt>
            <dd>{new Date(call.ts).toISOString()}</dd>
            <dt>Request</dt>
            <dd>
              <code>
                {call.method} {call.path}
              </code>
            </dd>
            <dt>Status</dt>
            <dd>
              {call.status}
              {call.errorKind && ` (${call.errorKind})`}
            </dd>
            <dt>API</dt>
            <dd>{api(call.apiId)}</dd>
            <dt>App</dt>
            <dd>{call.appId ? app(call.appId) : '—'}</dd>
            <dt>Subscription</dt>
            <dd>{call.subscriptionId ?? '—'}</dd>
            <dt>Client IP</dt>
            <dd>{call.clientIp ?? '—'}</dd>
          </dl>
          <h3>Timings</h3>
          <dl className="facts">
            <dt>Total</dt>
            <dd>{millis(call.latencyMs)}</dd>
            <dt>Upstream</dt>
            <dd>{call.upstreamLatencyMs === null ? 'not reached' : millis(call.upstreamLatencyMs)}</dd>
            <dt>In the gateway</dt>
            <dd>{millis(overhead)}</dd>
            <dt>Bytes in / out</dt>
            <dd>
              {num(call.bytesIn)} / {num(call.bytesOut)}
            </dd>
          </dl>
          {call.model && (
            <>
              <h3>Tokens</h3>
              <dl className="facts">
                <dt>Model</dt>
                <dd>{call.model}</dd>
                <dt>Prompt / completion</dt>
                <dd>
                  {num(call.promptTokens)} / {num(call.completionTokens)}
                </dd>
                <dt>Cost</dt>
                <dd>{call.costUsd === null ? '—' : `$${call.costUsd}`}</dd>
              </dl>
            </>
          )}
          {call.attempts && call.attempts.length > 0 && (
            <table>
              <caption>Provider attempts</caption>
              <Head cols={['Provider', 'Key', 'Model', 'Status', 'Error', 'ms']} />
              <tbody>
                {call.attempts.map((a, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: attempts are a fixed list in the order they were made
                  <tr key={`${a.provider}-${i}`}>
                    <td>{a.provider}</td>
                    <td>{a.key}</td>
                    <td>{a.model}</td>
                    <td>{a.status ?? '—'}</td>
                    <td>{a.error ?? '—'}</td>
                    <td>{millis(a.ms)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </Drawer>
  );
}
