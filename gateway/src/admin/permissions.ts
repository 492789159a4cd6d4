// The permission table of docs/admin-api.md, generated from the route declarations (the same ones that feed
// the router and OpenAPI), so the documented roles cannot drift from the enforced ones.
import { type RouteRole, roleRank, tenantRoles } from './principal.js';
import { openApiPath, type RouteDef } from './route.js';

export const PERMISSIONS_BEGIN = '<!-- permissions:begin (generated: npm run docs:permissions) -->';
export const PERMISSIONS_END = '<!-- permissions:end -->';

const holders = [...tenantRoles, 'platform'] as const;

/** `self` routes are open to every signed-in user (their own account), whatever their role. */
function allowed(role: RouteRole, holder: (typeof holders)[number]): boolean {
  if (role === 'self') return true;
  return holder === 'platform' || (role !== 'platform' && roleRank(holder) >= roleRank(role));
}

export function permissionTable(routes: readonly RouteDef[]): string {
  const header = `| Route | Operation | Least role | ${holders.join(' | ')} |`;
  const rule = `|${' --- |'.repeat(3 + holders.length)}`;
  const rows = routes
    .filter((r) => r.role !== 'public')
    .map((r) => {
      const marks = holders.map((h) => (allowed(r.role, h) ? '✓' : '—'));
      return `| \`${r.method.toUpperCase()} ${openApiPath(r.path)}\` | ${r.operationId} | ${r.role} | ${marks.join(' | ')} |`;
    });
  return [PERMISSIONS_BEGIN, header, rule, ...rows, PERMISSIONS_END].join('\n');
}

/** `doc` with the text between the markers replaced by the current table. */
export function withPermissionTable(doc: string, routes: readonly RouteDef[]): string {
  const start = doc.indexOf(PERMISSIONS_BEGIN);
  const end = doc.indexOf(PERMISSIONS_END);
  if (start < 0 || end < start) throw new Error('docs/admin-api.md has no permission-table markers');
  return doc.slice(0, start) + permissionTable(routes) + doc.slice(end + PERMISSIONS_END.length);
}
