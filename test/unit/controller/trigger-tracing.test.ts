// Trigger fires are traced like invokes: a REST fire continues the caller's trace (HTTP span →
// fire span, with the publish of each rule activation as a phase of it, and the activation's
// message carries the fire span's context on to the invoker); a Kafka feed batch continues the
// trace of its first message's producer.
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTR, PHASE } from '../../../shared/tracing/attributes.js';
import { waitFor } from '../../harness/wait-for.js';
import { GUEST_AUTH, HELLO, startFixture, type Fixture } from './controller-fixture.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
// As in photon's processes (deploy/telemetry.ts): no async context manager, so a span whose
// parent was not passed explicitly would start a new trace and fail these tests.
provider.register({ contextManager: null });

let f: Fixture;
beforeAll(async () => {
  f = await startFixture({ feedBatchMaxWaitMs: 20, feedReconcileMs: 50 });
  await f.api('PUT', '/api/v1/namespaces/_/actions/echo', { body: HELLO });
  await f.api('PUT', '/api/v1/namespaces/_/triggers/traced', { body: {} });
  await f.api('PUT', '/api/v1/namespaces/_/rules/traced-rule', { body: { trigger: '/_/traced', action: '/_/echo' } });
});
afterAll(async () => {
  await f.close();
  await provider.shutdown();
});

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('trigger fire tracing', () => {
  it('a REST fire with a traceparent: the fire span in the caller\'s trace, its publish a phase of it; the activation message carries it', async () => {
    const res = await fetch(`${f.controller.url}/api/v1/namespaces/_/triggers/traced`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(GUEST_AUTH).toString('base64')}`, 'content-type': 'application/json', traceparent: `00-${TRACE}-00f067aa0ba902b7-01` },
      body: '{}',
    });
    expect(res.status).toBe(202);
    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === TRACE);
    const fire = spans.find((s) => s.name === 'controller.trigger.fire');
    expect(fire?.attributes[ATTR.trigger]).toBe('guest/traced');
    const { activationId } = (await res.json()) as { activationId: string };
    const record = await f.stores.activations.get(activationId);
    const caused = (JSON.parse(record!.logs[0]!) as { activationId: string }).activationId;
    // The publish is a phase of the fire: its duration and the rule's activation on the fire span.
    expect(fire!.attributes[PHASE.publish]).toBeTypeOf('number');
    expect(fire!.attributes[ATTR.activationId]).toBe(caused);
    expect(spans.map((s) => s.name)).not.toContainEqual(expect.stringMatching(/^publish /));
    const ran = await waitFor('the rule activation', () => f.invokers[0]!.received.find((r) => r.message.activationId === caused));
    // The invoker's span is to hang below the fire span: the message carries the fire's context.
    expect(ran.headers.traceparent).toBe(`00-${TRACE}-${fire!.spanContext().spanId}-01`);
    expect(ran.message.traceContext?.traceparent).toBe(ran.headers.traceparent);
  });

  it('a Kafka feed batch continues the producer\'s trace', async () => {
    const topic = `${f.topics.health}.traced`;
    await f.bus.ensureTopics([topic]);
    await f.api('PUT', '/api/v1/namespaces/_/triggers/traced-feed', { body: {} });
    await f.api('PUT', '/api/v1/namespaces/_/rules/traced-feed-rule', { body: { trigger: '/_/traced-feed', action: '/_/echo' } });
    const created = await f.api('POST', '/api/v1/namespaces/whisk.system/actions/messaging/kafkaFeed?blocking=true', { body: { lifecycleEvent: 'CREATE', triggerName: '/_/traced-feed', topic } });
    expect(created.status).toBe(200);
    const producerTrace = 'aaaabbbbccccddddeeeeffff00001111';
    await f.bus.publish(topic, [{ value: Buffer.from('x'), headers: { traceparent: `00-${producerTrace}-1111222233334444-01` } }]);
    const fire = await waitFor('the feed\'s fire span', () => exporter.getFinishedSpans().find((s) => s.name === 'controller.trigger.fire' && s.attributes[ATTR.trigger] === 'guest/traced-feed'));
    expect(fire.spanContext().traceId).toBe(producerTrace);
  });
});
