// The console: one page per feature, for platform admins and tenant teams.
import { AiPage } from '../ai/ai-page.js';
import { ApisPage } from '../apis/apis-page.js';
import { ApprovalsPage } from '../approvals/approvals-page.js';
import { AppsPage } from '../apps/apps-page.js';
import { AuditPage } from '../audit/audit-page.js';
import { AccountPage } from '../auth/account-page.js';
import { DashboardPage } from '../dashboard/dashboard-page.js';
import { LogsPage } from '../logs/logs-page.js';
import { PlansPage } from '../plans/plans-page.js';
import { TenantsPage } from '../tenants/tenants-page.js';
import { WebhooksPage } from '../webhooks/webhooks-page.js';
import { Frame, type Page } from './frame.js';

const pages: Page[] = [
  { path: '/dashboard', label: 'Dashboard', page: DashboardPage },
  { path: '/apis', label: 'APIs', page: ApisPage },
  { path: '/plans', label: 'Plans', page: PlansPage },
  { path: '/approvals', label: 'Approvals', page: ApprovalsPage },
  { path: '/apps', label: 'Apps and keys', page: AppsPage },
  { path: '/logs', label: 'Call log', page: LogsPage },
  { path: '/ai', label: 'AI', page: AiPage },
  { path: '/tenants', label: 'Tenants', page: TenantsPage },
  { path: '/webhooks', label: 'Webhooks', page: WebhooksPage },
  { path: '/audit', label: 'Audit log', page: AuditPage },
  { path: '/account', label: 'My account', page: AccountPage },
];

export function App() {
  return (
    <Frame
      brand="gateway-kit"
      pages={pages}
      signIn={{ title: 'Sign in to gateway-kit', label: 'Admin token' }}
    />
  );
}
