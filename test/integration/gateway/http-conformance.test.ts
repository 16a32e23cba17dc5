import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, startSubgraphs } from '../../helpers/subgraphs.js';

const closeStack = createCloseStack();
let gateway: StartedGateway;

beforeAll(async () => {
  const subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  // The audit queries __type, so introspection must be on (it is off only in production by default).
  gateway = await startGateway({ subgraphUrls: subgraphs.urls, config: { server: { introspection: true } } });
  closeStack.push(gateway.close);
});
afterAll(() => closeStack.drain());

describe('GraphQL-over-HTTP conformance (graphql-http server audits)', () => {
  it('passes every MUST and SHOULD audit', async () => {
    const results = await auditServer({ url: gateway.url });
    const failures = results
      .filter((r) => r.status !== 'ok' && (r.name.startsWith('MUST') || r.name.startsWith('SHOULD')))
      .map((r) => `${r.id} ${r.name}: ${r.status === 'ok' ? '' : r.reason}`);
    expect(failures).toEqual([]);
    const mustCount = results.filter((r) => r.name.startsWith('MUST')).length;
    expect(mustCount).toBeGreaterThan(10);
  });
});
