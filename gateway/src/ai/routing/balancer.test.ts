// The balancer's orders, exactly: weighted turns over N calls, least-busy by calls in flight, latency by the
// moving average, cooling deployments last.
import { expect, it } from 'vitest';
import type { Deployment, ModelEntry, ProviderEntry } from '../ai-config.js';
import { Balancer } from './balancer.js';
import type { RoutingStrategy } from './schema.js';

function modelWith(routing: RoutingStrategy, weights: Record<string, number>): ModelEntry {
  const provider = (id: string): ProviderEntry => ({
    id,
    tenantId: 't',
    name: id,
    type: 'openai',
    baseUrl: 'http://127.0.0.1:1/v1',
    maxConnections: 1,
    keys: [{ id: `${id}-key`, priority: 1, sealed: '' }],
  });
  const deployments: Deployment[] = [];
  const base = {
    id: 'mdl',
    tenantId: 't',
    name: 'gpt',
    upstreamModel: 'up',
    inputPricePer1k: 0,
    outputPricePer1k: 0,
    fallbackModelId: null,
    tokensPerMinute: null,
    requestsPerMinute: null,
    createdAt: '',
    routing,
    deployments,
  };
  for (const [id, weight] of Object.entries(weights)) {
    const model: ModelEntry = { ...base, provider: provider(id) };
    deployments.push({ key: `${id} up`, weight, model });
  }
  return deployments[0]!.model;
}

const providers = (order: ModelEntry[]) => order.map((m) => m.provider.id);
const cooling = new Set<string>();
const balancer = () => new Balancer({ usable: (d) => !cooling.has(d.model.provider.id) });

it('weighted: smooth weighted round robin gives exact shares in every run, the rest by weight as fallbacks', () => {
  const b = balancer();
  const m = modelWith('weighted', { a: 3, b: 1, c: 2 });
  const firsts = Array.from({ length: 12 }, () => b.order(m, false)[0]!.provider.id);
  expect(firsts).toEqual(['a', 'c', 'a', 'b', 'c', 'a', 'a', 'c', 'a', 'b', 'c', 'a']);
  expect(firsts.filter((p) => p === 'a')).toHaveLength(6);
  expect(firsts.filter((p) => p === 'b')).toHaveLength(2);
  expect(firsts.filter((p) => p === 'c')).toHaveLength(4);
  // After the pick, the others by weight.
  expect(providers(b.order(m, false))).toEqual(['a', 'c', 'b']);
  expect(providers(b.order(m, false))).toEqual(['c', 'a', 'b']);
});

it('a single deployment is just the model', () => {
  const m = modelWith('latency', { only: 1 });
  expect(balancer().order(m, true)).toEqual([m]);
});

it('least-busy: fewest calls in flight per weight first; ties take weighted turns', () => {
  const b = balancer();
  const m = modelWith('least-busy', { a: 1, b: 1 });
  const [da, db] = m.deployments;
  const first = b.begin(da!.model, true);
  b.begin(da!.model, true);
  expect(b.inFlight(m, da!)).toBe(2);
  expect(providers(b.order(m, true))).toEqual(['b', 'a']);
  const onB = b.begin(db!.model, true);
  expect(providers(b.order(m, true))).toEqual(['b', 'a']);
  first.done();
  first.done(); // once only
  expect(b.inFlight(m, da!)).toBe(1);
  // 1 and 1: equals, so the weighted turn decides, alternating.
  expect([b.order(m, true)[0]!.provider.id, b.order(m, true)[0]!.provider.id].sort()).toEqual(['a', 'b']);
  onB.done();
  expect(b.inFlight(m, db!)).toBe(0);
  expect(providers(b.order(m, true))).toEqual(['b', 'a']);
});

it('least-busy weighs: a deployment of weight 3 takes three calls for one of weight 1', () => {
  const b = balancer();
  const m = modelWith('least-busy', { a: 1, b: 3 });
  const picks: string[] = [];
  for (let i = 0; i < 8; i++) {
    const served = b.order(m, false)[0]!;
    picks.push(served.provider.id);
    b.begin(served, false); // held: never done
  }
  expect(picks.filter((p) => p === 'b')).toHaveLength(6);
  expect(picks.filter((p) => p === 'a')).toHaveLength(2);
});

it('latency: unmeasured deployments first, then the lowest moving average; streams and whole answers apart', () => {
  const b = balancer();
  const m = modelWith('latency', { fast: 1, slow: 1 });
  const [fast, slow] = m.deployments;
  b.begin(slow!.model, true).answered(900);
  expect(providers(b.order(m, true))).toEqual(['fast', 'slow']);
  b.begin(fast!.model, true).answered(100);
  for (let i = 0; i < 4; i++) expect(providers(b.order(m, true))).toEqual(['fast', 'slow']);
  // The average moves 30 % of the way to each new sample: 100 → 2200 → 3670, past slow's 900.
  b.begin(fast!.model, true).answered(7100);
  expect(b.latency(m, fast!, true)).toBe(2200);
  expect(providers(b.order(m, true))).toEqual(['slow', 'fast']);
  // Whole answers are measured on their own: none yet, so the weighted turn leads.
  expect(b.latency(m, fast!, false)).toBeNull();
});

it('deployments whose keys all cool down go last, whatever the strategy', () => {
  const b = balancer();
  const m = modelWith('weighted', { a: 5, b: 1 });
  cooling.add('a');
  try {
    for (let i = 0; i < 3; i++) expect(providers(b.order(m, false))).toEqual(['b', 'a']);
  } finally {
    cooling.delete('a');
  }
  expect(providers(b.order(m, false))[0]).toBe('a');
});
