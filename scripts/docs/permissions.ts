// Rewrites the permission table in docs/admin-api.md from the admin route declarations.
import { readFileSync, writeFileSync } from 'node:fs';
import { withPermissionTable } from '../../gateway/src/admin/permissions.js';
import { adminRoutes } from '../../gateway/src/admin/routes/index.js';

const file = new URL('../../docs/admin-api.md', import.meta.url);
writeFileSync(file, withPermissionTable(readFileSync(file, 'utf8'), adminRoutes));
