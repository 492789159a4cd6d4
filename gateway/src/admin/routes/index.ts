// Every admin route, in the order the OpenAPI document lists them.
import { sessionRoutes } from '../../people/routes/session.js';
import { ssoRoutes } from '../../people/routes/sso.js';
import { userRoutes } from '../../people/routes/users.js';
import type { RouteDef } from '../route.js';
import { aiBudgetRoutes } from './ai-budgets.js';
import { aiModelRoutes } from './ai-models.js';
import { aiProviderRoutes } from './ai-providers.js';
import { analyticsRoutes } from './analytics.js';
import { apiSpecRoutes } from './api-specs.js';
import { apiRoutes } from './apis.js';
import { appClientRoutes } from './app-clients.js';
import { appRoutes } from './apps.js';
import { auditRoutes } from './audit.js';
import { catalogRoutes } from './catalog.js';
import { keyRoutes } from './keys.js';
import { loginLinkRoutes } from './login-links.js';
import { planRoutes } from './plans.js';
import { subscriptionRoutes } from './subscriptions.js';
import { tenantRoutes } from './tenants.js';
import { webhookRoutes } from './webhooks.js';

export const adminRoutes: readonly RouteDef[] = [
  ...sessionRoutes,
  ...loginLinkRoutes,
  ...ssoRoutes,
  ...userRoutes,
  ...tenantRoutes,
  ...apiRoutes,
  ...apiSpecRoutes,
  ...planRoutes,
  ...catalogRoutes,
  ...appRoutes,
  ...keyRoutes,
  ...appClientRoutes,
  ...subscriptionRoutes,
  ...analyticsRoutes,
  ...aiProviderRoutes,
  ...aiModelRoutes,
  ...aiBudgetRoutes,
  ...auditRoutes,
  ...webhookRoutes,
];
