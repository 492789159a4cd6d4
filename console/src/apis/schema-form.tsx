// Form fields generated from a JSON Schema (the admin API's OpenAPI document, itself generated from the policy
// registry's zod schemas), so a new policy gets its form without console code. It covers what those schemas
// use: objects, maps of strings, strings (enums as choices), numbers, booleans, lists of strings or of objects,
// and "X or null". Validation is
// the admin API's: its problem answer names the field (docs/decisions/0019-console-schema-forms.md).
import { Field } from '../shell/ui.js';

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
}
type Value = unknown;

/** `X or null` is an optional X: an empty field means null. */
export function unwrap(schema: JsonSchema): JsonSchema {
  const options = schema.anyOf?.filter((s) => s.type !== 'null');
  return options?.length === 1 ? { ...options[0], description: schema.description } : schema;
}

/** A readable label from a path of property names: `cors.maxAge` → `cors max age`. */
const label = (path: string[]) =>
  path.map((p) => p.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()).join(' ');

export function SchemaFields({
  schema,
  value,
  path,
  onChange,
}: {
  schema: JsonSchema;
  value: Value;
  path: string[];
  onChange: (v: Value) => void;
}) {
  const s = unwrap(schema);
  const name = label(path);
  const hint =
    s.description ?? (s.default !== undefined ? `default ${JSON.stringify(s.default)}` : undefined);
  if (s.type === 'object' && s.properties) {
    const obj = (value ?? {}) as Record<string, Value>;
    return (
      <fieldset>
        <legend>{name}</legend>
        {Object.entries(s.properties).map(([key, sub]) => (
          <SchemaFields
            key={key}
            schema={sub}
            value={obj[key]}
            path={[...path, key]}
            onChange={(v) => {
              const next = { ...obj };
              if (v === undefined) delete next[key];
              else next[key] = v;
              onChange(Object.keys(next).length ? next : undefined);
            }}
          />
        ))}
      </fieldset>
    );
  }
  if (s.type === 'boolean')
    return (
      <label className="check">
        <input
          type="checkbox"
          checked={Boolean(value ?? s.default)}
          onChange={(e) => onChange(e.target.checked)}
        />{' '}
        {name}
      </label>
    );
  if (s.type === 'array' && s.items && unwrap(s.items).type === 'object') {
    const list = Array.isArray(value) ? value : [];
    const put = (next: Value[]) => onChange(next.length ? next : undefined);
    return (
      <fieldset>
        <legend>{name}</legend>
        {list.map((item, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the list's items have no identity but their place
          <div key={i} className="list-item">
            <SchemaFields
              schema={s.items!}
              value={item}
              path={[...path, String(i + 1)]}
              onChange={(v) => put(list.map((x, j) => (j === i ? (v ?? {}) : x)))}
            />
            <button type="button" className="danger" onClick={() => put(list.filter((_, j) => j !== i))}>
              Remove {label([...path, String(i + 1)])}
            </button>
          </div>
        ))}
        <button type="button" onClick={() => put([...list, {}])}>
          Add to {name}
        </button>
      </fieldset>
    );
  }
  if (s.type === 'object' && !s.properties) {
    // A map (header name → claim…): one `key: value` per line.
    const map = (value ?? {}) as Record<string, unknown>;
    return (
      <Field label={name} hint={`one "name: value" per line${hint ? `; ${hint}` : ''}`}>
        <textarea
          rows={2}
          defaultValue={Object.entries(map)
            .map(([k, v]) => `${k}: ${String(v)}`)
            .join('\n')}
          onChange={(e) => {
            const pairs = e.target.value
              .split('\n')
              .filter((l) => l.includes(':'))
              .map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]);
            onChange(pairs.length ? Object.fromEntries(pairs) : undefined);
          }}
        />
      </Field>
    );
  }
  if (s.type === 'array')
    return (
      <Field label={name} hint={`one per line${hint ? `; ${hint}` : ''}`}>
        <textarea
          rows={2}
          value={Array.isArray(value) ? value.join('\n') : ''}
          onChange={(e) => {
            const lines = e.target.value.split('\n');
            onChange(lines.length === 1 && lines[0] === '' ? undefined : lines);
          }}
        />
      </Field>
    );
  if (s.enum)
    return (
      <Field label={name} hint={hint}>
        <select
          value={value === undefined ? '' : String(value)}
          onChange={(e) => onChange(e.target.value || undefined)}
        >
          <option value="">(default)</option>
          {s.enum.map((o) => (
            <option key={String(o)}>{String(o)}</option>
          ))}
        </select>
      </Field>
    );
  const numeric = s.type === 'integer' || s.type === 'number';
  return (
    <Field label={name} hint={hint}>
      <input
        type={numeric ? 'number' : 'text'}
        step={s.type === 'integer' ? 1 : 'any'}
        value={value === undefined || value === null ? '' : String(value)}
        onChange={(e) => {
          const raw = e.target.value;
          onChange(raw === '' ? undefined : numeric ? Number(raw) : raw);
        }}
      />
    </Field>
  );
}
