// The tenant a new object belongs to: a choice for the platform token (which may list tenants), nothing for
// a tenant token (the admin API implies its own tenant).
import { useQuery } from '@tanstack/react-query';
import { admin } from '../api/client.js';
import { Field } from '../shell/ui.js';

export function useTenants() {
  return useQuery({
    queryKey: ['tenants'],
    // A tenant token gets 403 here: that simply means "no choice to make".
    queryFn: async () => (await admin.GET('/admin/v1/tenants')).data?.items ?? [],
  });
}

export function TenantSelect() {
  const tenants = useTenants();
  if (!tenants.data || tenants.data.length === 0) return null;
  return (
    <Field label="Tenant">
      <select name="tenantId" required>
        {tenants.data.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
    </Field>
  );
}
