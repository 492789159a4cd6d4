// The catalog: every published public API with its plans, searchable by name, path or tag, and filtered by kind
// and by one of the tags its owners gave the APIs.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { admin, type Item, ok } from '../api/client.js';
import { Problem } from '../shell/problem.js';
import { Field } from '../shell/ui.js';

export type Entry = Item<'getCatalog'>;
const KINDS = { rest: 'REST', ai: 'AI', prompt: 'Prompt' } as const;

export function useCatalog() {
  return useQuery({
    queryKey: ['catalog'],
    queryFn: async () => ok(await admin.GET('/admin/v1/catalog')).items,
  });
}

export function CatalogPage() {
  const catalog = useCatalog();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<'' | Entry['kind']>('');
  const [tag, setTag] = useState('');
  const needle = q.trim().toLowerCase();
  const tags = [...new Set((catalog.data ?? []).flatMap((a) => a.tags))].sort();
  const shown = (catalog.data ?? []).filter(
    (a) =>
      (!kind || a.kind === kind) &&
      (!tag || a.tags.includes(tag)) &&
      (!needle ||
        a.name.toLowerCase().includes(needle) ||
        a.basePath.toLowerCase().includes(needle) ||
        a.tags.some((t) => t.includes(needle))),
  );
  return (
    <>
      <h1>API catalog</h1>
      <div className="toolbar">
        <Field label="Search">
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="orders" />
        </Field>
        <fieldset className="chips">
          <legend>Kind</legend>
          {(['', 'rest', 'ai', 'prompt'] as const).map((k) => (
            <label key={k || 'all'} className="chip">
              <input type="radio" name="kind" checked={kind === k} onChange={() => setKind(k)} />
              {k ? KINDS[k] : 'All'}
            </label>
          ))}
        </fieldset>
        {tags.length > 0 && (
          <fieldset className="chips">
            <legend>Tag</legend>
            {['', ...tags].map((t) => (
              <label key={t || 'any'} className="chip">
                <input type="radio" name="tag" checked={tag === t} onChange={() => setTag(t)} />
                {t || 'Any'}
              </label>
            ))}
          </fieldset>
        )}
      </div>
      <Problem error={catalog.error} />
      {catalog.isSuccess && shown.length === 0 && <p>No API matches.</p>}
      <ul className="cards">
        {shown.map((a) => (
          <li key={a.id} className="card">
            <h2>
              <Link href={`/apis/${a.id}`}>{a.name}</Link>
            </h2>
            <p>
              <code>
                {a.host ?? ''}
                {a.basePath}
              </code>
            </p>
            <p className="tags">
              <span className="tag">{KINDS[a.kind]}</span>
              <span className="tag">{a.approval === 'auto' ? 'instant access' : 'needs approval'}</span>
              <span className="tag">
                {a.plans.length} plan{a.plans.length === 1 ? '' : 's'}
              </span>
              {a.tags.map((t) => (
                <span key={t} className="tag">
                  #{t}
                </span>
              ))}
            </p>
          </li>
        ))}
      </ul>
    </>
  );
}
