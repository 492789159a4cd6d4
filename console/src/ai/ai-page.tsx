// AI: providers (upstream keys are sent once and never shown again, only a hint), models with prices and
// limits, and prompt APIs (a template with {{variables}} behind a route).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { admin, ok } from '../api/client.js';
import { useApis } from '../api/names.js';
import { Problem } from '../shell/problem.js';
import { Actions, Field, Head, resetOnSuccess, when } from '../shell/ui.js';
import { TenantSelect } from '../tenants/tenant-select.js';

const text = (form: FormData, k: string) => String(form.get(k) ?? '').trim();
const tenantOf = (form: FormData) => (text(form, 'tenantId') ? { tenantId: text(form, 'tenantId') } : {});

export function AiPage() {
  const cache = useQueryClient();
  const providers = useQuery({
    queryKey: ['ai', 'providers'],
    queryFn: async () => ok(await admin.GET('/admin/v1/ai/providers')).items,
  });
  const models = useQuery({
    queryKey: ['ai', 'models'],
    queryFn: async () => ok(await admin.GET('/admin/v1/ai/models')).items,
  });
  const apis = useApis();
  const refresh = () => cache.invalidateQueries({ queryKey: ['ai'] });
  const addProvider = useMutation({
    mutationFn: async (f: FormData) =>
      ok(
        await admin.POST('/admin/v1/ai/providers', {
          body: {
            ...tenantOf(f),
            name: text(f, 'name'),
            type: text(f, 'type') === 'anthropic' ? 'anthropic' : 'openai',
            baseUrl: text(f, 'baseUrl'),
            keys: [{ key: text(f, 'key') }],
          },
        }),
      ),
    onSuccess: refresh,
  });
  const addModel = useMutation({
    mutationFn: async (f: FormData) =>
      ok(
        await admin.POST('/admin/v1/ai/models', {
          body: {
            ...tenantOf(f),
            name: text(f, 'name'),
            providerId: text(f, 'providerId'),
            upstreamModel: text(f, 'upstreamModel'),
            inputPricePer1k: Number(text(f, 'inputPrice') || 0),
            outputPricePer1k: Number(text(f, 'outputPrice') || 0),
          },
        }),
      ),
    onSuccess: refresh,
  });
  const addPrompt = useMutation({
    mutationFn: async (f: FormData) => {
      const template = text(f, 'template');
      // Every {{name}} in the template is a string variable; the admin API checks they agree.
      const names = [...template.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1]!);
      return ok(
        await admin.POST('/admin/v1/apis', {
          body: {
            ...tenantOf(f),
            kind: 'prompt',
            name: text(f, 'name'),
            basePath: text(f, 'basePath'),
            settings: {
              model: text(f, 'model'),
              template,
              variables: Object.fromEntries(names.map((n) => [n, { type: 'string' }])),
            },
          },
        }),
      );
    },
    onSuccess: () => cache.invalidateQueries({ queryKey: ['apis'] }),
  });
  const prompts = apis.data?.filter((a) => a.kind !== 'rest') ?? [];

  return (
    <>
      <h1>AI</h1>
      <Problem error={providers.error ?? models.error} />
      <h2>Providers</h2>
      <table>
        <caption>Upstream AI providers (keys shown by hint only)</caption>
        <Head cols={['Name', 'Type', 'Base URL', 'Keys', 'Updated']} />
        <tbody>
          {providers.data?.map((p) => (
            <tr key={p.id}>
              <td>{p.name}</td>
              <td>{p.type}</td>
              <td>
                <code>{p.baseUrl}</code>
              </td>
              <td>{p.keys.map((k) => k.hint).join(', ')}</td>
              <td>{when(p.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form aria-label="Add a provider" className="inline" onSubmit={resetOnSuccess(addProvider)}>
        <TenantSelect />
        <Field label="Provider name">
          <input name="name" required maxLength={100} />
        </Field>
        <Field label="Type">
          <select name="type">
            <option>openai</option>
            <option>anthropic</option>
          </select>
        </Field>
        <Field label="Base URL">
          <input name="baseUrl" type="url" required placeholder="https://api.openai.com/v1" />
        </Field>
        <Field label="API key">
          <input name="key" type="password" required autoComplete="off" />
        </Field>
        <Actions>
          <button type="submit">Add provider</button>
        </Actions>
        <Problem error={addProvider.error} />
      </form>

      <h2>Models</h2>
      <table>
        <caption>Models clients name, with their prices per 1,000 tokens</caption>
        <Head cols={['Name', 'Provider', 'Upstream model', 'Input $', 'Output $', 'Tokens/min']} />
        <tbody>
          {models.data?.map((m) => (
            <tr key={m.id}>
              <td>{m.name}</td>
              <td>{providers.data?.find((p) => p.id === m.providerId)?.name ?? m.providerId}</td>
              <td>{m.upstreamModel}</td>
              <td>{m.inputPricePer1k}</td>
              <td>{m.outputPricePer1k}</td>
              <td>{m.tokensPerMinute ?? 'no limit'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form aria-label="Add a model" className="inline" onSubmit={resetOnSuccess(addModel)}>
        <TenantSelect />
        <Field label="Model name">
          <input name="name" required maxLength={200} />
        </Field>
        <Field label="Provider">
          <select name="providerId" required>
            {providers.data?.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Upstream model">
          <input name="upstreamModel" required maxLength={200} />
        </Field>
        <Field label="Input price per 1k">
          <input name="inputPrice" type="number" min={0} step="any" />
        </Field>
        <Field label="Output price per 1k">
          <input name="outputPrice" type="number" min={0} step="any" />
        </Field>
        <Actions>
          <button type="submit">Add model</button>
        </Actions>
        <Problem error={addModel.error} />
      </form>

      <h2>AI and prompt APIs</h2>
      <table>
        <caption>APIs of kind ai and prompt</caption>
        <Head cols={['Name', 'Kind', 'Base path', 'Model', 'Status']} />
        <tbody>
          {prompts.map((a) => (
            <tr key={a.id}>
              <td>{a.name}</td>
              <td>{a.kind}</td>
              <td>
                <code>{a.basePath}</code>
              </td>
              <td>{String(a.settings.model ?? '—')}</td>
              <td>{a.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form aria-label="Create a prompt API" onSubmit={resetOnSuccess(addPrompt)}>
        <TenantSelect />
        <Field label="Prompt API name">
          <input name="name" required maxLength={100} />
        </Field>
        <Field label="Prompt base path">
          <input name="basePath" required pattern="/.*" placeholder="/summarize" />
        </Field>
        <Field label="Model">
          <select name="model" required>
            {models.data?.map((m) => (
              <option key={m.id}>{m.name}</option>
            ))}
          </select>
        </Field>
        <Field label="Template" hint="{{name}} marks a variable the caller sends">
          <textarea name="template" required rows={3} placeholder="Summarize: {{text}}" />
        </Field>
        <Actions>
          <button type="submit">Create prompt API</button>
        </Actions>
        <Problem error={addPrompt.error} />
        {addPrompt.isSuccess && <p role="status">Created {addPrompt.data.name} as a draft.</p>}
      </form>
    </>
  );
}
