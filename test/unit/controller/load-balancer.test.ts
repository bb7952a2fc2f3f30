// The LoadBalancer on an InProcessBus with hand-made heartbeats and completions: routing to the
// invoker topics, capacity accounting freed by completions, and the lost-activation sweeper.
import { afterEach, describe, expect, it } from 'vitest';
import { LoadBalancer, NoInvokersError } from '../../../controller/load-balancer.js';
import { placementFor } from './placement-helper.js';
import { InProcessBus } from '../../../shared/bus/in-process-bus.js';
import type { BusMessage, Subscription } from '../../../shared/bus/message-bus.js';
import { topics as makeTopics } from '../../../shared/bus/topics.js';
import { DEFAULT_LIMITS, type Action } from '../../../shared/model/action.js';
import type { ActivationMessage } from '../../../shared/model/activation-message.js';
import { COMPLETION_MESSAGE_VERSION } from '../../../shared/model/completion-message.js';
import { HEARTBEAT_VERSION } from '../../../shared/model/invoker-health.js';
import { createMemoryStores } from '../../../shared/store/memory-stores.js';
import { uniquePrefix } from '../../harness/unique-prefix.js';
import { waitFor } from '../../harness/wait-for.js';

const caller = { namespace: 'guest', subject: 'u', limits: {} };
const action = (name: string, memory = 256): Action => ({
  namespace: 'guest', name, version: '0.0.1', revision: 'r1', exec: { kind: 'nodejs:20', code: '' },
  parameters: [], annotations: [], limits: { ...DEFAULT_LIMITS, memory, timeout: 100 }, publish: false, updated: 0,
});
const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(invokers: string[], userMemory = 512) {
  const bus = new InProcessBus();
  const stores = createMemoryStores();
  const topics = makeTopics(uniquePrefix('lb'));
  const lb = new LoadBalancer({ bus, activations: stores.activations, warm: stores.warm, controllerId: 'c0', topics, heartbeatStaleMs: 3_000, invokerForgetMs: 60_000, controllerShare: 1, completionGraceMs: 150, sweepIntervalMs: 25 });
  await lb.start();
  const received = new Map<string, ActivationMessage[]>();
  const subs: Subscription[] = [];
  for (const id of invokers) {
    received.set(id, []);
    subs.push(await bus.subscribe({ topic: topics.invoker(id), group: 'inv', maxInFlight: 100, fromBeginning: true, handle: async (m: BusMessage) => { received.get(id)!.push(JSON.parse(m.value.toString())); } }));
    await bus.publish(topics.health, [{ value: json({ v: HEARTBEAT_VERSION, invoker: id, userMemory, busyMemory: 0, freeNamespaces: 1, at: Date.now(), accepting: true }) }]);
  }
  await waitFor('heartbeats seen', () => lb.usableInvokers() === invokers.length);
  cleanups.push(async () => {
    for (const s of subs) await s.close();
    await lb.close();
    await bus.close();
  });
  const complete = async (id: string, invoker: string): Promise<void> =>
    bus.publish(topics.completed('c0'), [{ value: json({ v: COMPLETION_MESSAGE_VERSION, activationId: id, invoker, systemError: false }) }]);
  return { bus, stores, topics, lb, received, complete };
}

let n = 0;
const req = (a: Action, blocking = false) => ({ activationId: (++n).toString(16).padStart(32, '0'), action: a, caller, params: { n }, blocking, acceptedAt: Date.now() });

describe('LoadBalancer', () => {
  it('publishes to the chosen invoker\'s topic and frees capacity on completion', async () => {
    const { lb, received, complete } = await setup(['a', 'b'], 512);
    const act = action('fill', 256);
    const home = placementFor(['a', 'b'], act);
    const other = home === 'a' ? 'b' : 'a';
    // 512 MB per invoker, 256 MB per isolate: two fit at home, the third goes elsewhere.
    const s1 = await lb.schedule(req(act));
    const s2 = await lb.schedule(req(act));
    const s3 = await lb.schedule(req(act));
    expect([s1.invoker, s2.invoker, s3.invoker]).toEqual([home, home, other]);
    expect(s3.placement).toBe('probe');
    await waitFor('messages delivered', () => received.get(home)!.length === 2 && received.get(other)!.length === 1);
    expect(received.get(home)![0]).toMatchObject({ v: 1, action: { namespace: 'guest', name: 'fill' }, revision: 'r1', controller: 'c0', params: { n: expect.any(Number) } });
    await complete(received.get(home)![0]!.activationId, home);
    await waitFor('capacity freed', () => lb.inFlightCount() === 2);
    const s4 = await lb.schedule(req(act));
    expect(s4.invoker).toBe(home);
  });

  it('resolves a blocking activation\'s finished promise with the record from the store', async () => {
    const { lb, received, complete, stores } = await setup(['a']);
    const r = req(action('blocking'), true);
    const s = await lb.schedule(r);
    await waitFor('delivered', () => received.get('a')!.length === 1);
    await stores.activations.putIfAbsent({
      namespace: 'guest', name: 'blocking', version: '0.0.1', subject: 'u', activationId: r.activationId, start: 1, end: 2, duration: 1,
      response: { status: 'success', statusCode: 0, success: true, result: { ok: 1 } }, logs: [], annotations: [], publish: false,
    });
    await complete(r.activationId, 'a');
    expect((await s.finished)?.record().response.result).toEqual({ ok: 1 });
    expect(lb.invokers()[0]).toMatchObject({ id: 'a', inFlight: 0, reservedMb: 0 });
  });

  it('sets aside completions and heartbeats it cannot decode (bad JSON, wrong shape, unknown version) and goes on with the next', async () => {
    const { lb, bus, topics, received, complete } = await setup(['a']);
    const s = await lb.schedule(req(action('after-garbage'), false));
    await waitFor('delivered', () => received.get('a')!.length === 1);
    await bus.publish(topics.completed('c0'), [
      { value: Buffer.from('not json') },
      { value: json({ v: 99, activationId: s.invoker, invoker: 'a', systemError: false }) },
      { value: json({ v: COMPLETION_MESSAGE_VERSION, activationId: 42, invoker: 'a', systemError: false }) },
    ]);
    await bus.publish(topics.health, [{ value: json({ v: HEARTBEAT_VERSION, invoker: 'z', userMemory: 'lots' }) }, { value: json([1, 2]) }]);
    await complete(received.get('a')![0]!.activationId, 'a');
    await s.finished;
    await waitFor('all five set aside', () => lb.setAsideCount === 5);
    expect(lb.invokers().map((i) => i.id)).toEqual(['a']);
  });

  it('throws NoInvokersError without usable invokers', async () => {
    const { lb } = await setup([]);
    await expect(lb.schedule(req(action('x')))).rejects.toBeInstanceOf(NoInvokersError);
  });

  it('tells onFinished whether the invoker released the slot (CompletionMessage.slotReleased), and a sweep that it did not', async () => {
    const { lb, bus, topics } = await setup(['a']);
    const told: boolean[] = [];
    const released = req(action('rel'));
    const s1 = await lb.schedule({ ...released, onFinished: (r) => told.push(r) });
    await bus.publish(topics.completed('c0'), [{ value: json({ v: COMPLETION_MESSAGE_VERSION, activationId: released.activationId, invoker: 'a', systemError: false, slotReleased: true }) }]);
    await s1.finished;
    const held = req(action('held'));
    const s2 = await lb.schedule({ ...held, onFinished: (r) => told.push(r) });
    await bus.publish(topics.completed('c0'), [{ value: json({ v: COMPLETION_MESSAGE_VERSION, activationId: held.activationId, invoker: 'a', systemError: false }) }]);
    await s2.finished;
    expect(told).toEqual([true, false]);
  });

  it('sweeps an activation without completion into one whisk internal error record, once', async () => {
    const { lb, stores } = await setup(['a']);
    const r = req(action('lost'), true);
    let finishedCalls = 0;
    const s = await lb.schedule({ ...r, onFinished: () => finishedCalls++ });
    const record = (await s.finished)?.record();
    expect(record?.response).toMatchObject({ status: 'whisk internal error', statusCode: 3, success: false });
    expect(await stores.activations.get(r.activationId)).toEqual(record);
    expect(finishedCalls).toBe(1);
    expect(lb.lostCount).toBe(1);
    expect(lb.inFlightCount()).toBe(0);
  });

  it('does not record a loss when the invoker\'s record exists, even without a completion', async () => {
    const { lb, stores } = await setup(['a']);
    const r = req(action('late'), true);
    const s = await lb.schedule(r);
    await stores.activations.putIfAbsent({
      namespace: 'guest', name: 'late', version: '0.0.1', subject: 'u', activationId: r.activationId, start: 1, end: 2, duration: 1,
      response: { status: 'success', statusCode: 0, success: true, result: { late: true } }, logs: [], annotations: [], publish: false,
    });
    expect((await s.finished)?.record().response.result).toEqual({ late: true });
    expect(lb.lostCount).toBe(0);
  });
});
