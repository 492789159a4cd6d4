// The call log explorer: the newest calls, filtered by status class, refreshed while the page is open.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { admin, ok } from '../api/client.js';
import { Problem } from '../shell/problem.js';

const CLASSES = ['', '2xx', '3xx', '4xx', '5xx'] as const;

export function LogsPage() {
  const [status, setStatus] = useState<(typeof CLASSES)[number]>('');
  const logs = useQuery({
    queryKey: ['logs', status],
    queryFn: async () =>
      ok(
        await admin.GET('/admin/v1/logs', {
          params: { query: { limit: 100, ...(status ? { status } : {}) } },
        }),
      ).items,
    refetchInterval: 2000,
  });
  return (
    <>
      <h1>Call log</h1>
      <label htmlFor="status-filter">Status</label>
      <select
        id="status-filter"
        value={status}
        onChange={(e) => setStatus(e.target.value as (typeof CLASSES)[number])}
      >
        {CLASSES.map((c) => (
          <option key={c} value={c}>
            {c || 'any'}
          </option>
        ))}
      </select>
      <Problem error={logs.error} />
      <table>
        <caption>Newest calls first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Method</th>
            <th scope="col">Path</th>
            <th scope="col">Status</th>
            <th scope="col">Latency (ms)</th>
            <th scope="col">Request id</th>
          </tr>
        </thead>
        <tbody>
          {logs.data?.map((l) => (
            <tr key={l.id}>
              <td>{new Date(l.ts).toLocaleTimeString()}</td>
              <td>{l.method}</td>
              <td>
                <code>{l.path}</code>
              </td>
              <td>{l.status}</td>
              <td>{l.latencyMs}</td>
              <td>
                <code>{l.requestId}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
