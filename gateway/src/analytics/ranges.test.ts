// One rule for time ranges and cursors on /logs, /usage and /audit: `from` not before `to` is a 400 whose
// `errors` names the field, as every validation_failed does.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type AdminFixture, expectProblem, startOn, V1 } from '../test-support/admin-fixtures.js';
import { storeKinds } from '../test-support/stores.js';

describe.each(storeKinds)('time ranges on %s', (kind) => {
  let fx: AdminFixture;
  beforeAll(async () => {
    fx = await startOn(kind);
  });
  afterAll(() => fx.close());

  it.each(['/logs', '/usage', '/audit'])('%s refuses from after to with errors[]', async (path) => {
    const reply = await fx.admin.request(
      'GET',
      `${V1}${path}?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`,
    );
    expectProblem(reply, 400, 'validation_failed', 'invalid request: query.from', {
      errors: [{ in: 'query', field: 'from', message: 'must be before to' }],
    });
  });

  it.each(['/logs', '/audit'])('%s refuses a cursor it did not issue with errors[]', async (path) => {
    expectProblem(
      await fx.admin.request('GET', `${V1}${path}?cursor=bm9wZQ`),
      400,
      'validation_failed',
      'invalid request: query.cursor',
      {
        errors: [{ in: 'query', field: 'cursor', message: 'is not one this API returned' }],
      },
    );
  });
});
