// Entry of the developer portal at /portal: for API consumers, on the same admin API with their own token.

import { AppsPage } from '../apps/apps-page.js';
import { AccountPage } from '../auth/account-page.js';
import { DashboardPage } from '../dashboard/dashboard-page.js';
import { Frame } from '../shell/frame.js';
import { mount } from '../shell/mount.js';
import { ApiPage } from './api-page.js';
import { CatalogPage } from './catalog-page.js';

mount(
  '/portal',
  <Frame
    brand="gateway-kit developers"
    pages={[
      { path: '/catalog', label: 'Catalog', page: CatalogPage },
      { path: '/apps', label: 'My apps and keys', page: AppsPage },
      { path: '/usage', label: 'My usage', page: DashboardPage },
      { path: '/account', label: 'My account', page: AccountPage },
    ]}
    routes={[{ path: '/apis/:id', page: ApiPage }]}
    signIn={{ title: 'Sign in to the developer portal', label: 'Your token' }}
  />,
);
