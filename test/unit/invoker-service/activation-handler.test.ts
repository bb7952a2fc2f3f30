// The invoker's step from message to record and completion, above the ActionRunner interface:
// a scripted runner stands in for the isolate pool (which has its own tests).
import { beforeEach, describe, expect, it } from 'vitest';
import { InProcessBus } from '../../../shared/bus/in-process-bus.js';
import { topics } from '../../../shared/bus/topics.js';
import { DEFAULT_LIMITS } from '../../../shared/model/action.js';
import type { ActivationMessage } from '../../../shared/model/activation-message.js';
import type { ActivationRecord } from '../../../shared/model/activation-record.js';
import { decodeCompletionMessage, type CompletionMessage } from '../../../shared/model/completion-message.js';
import { createMemoryStores } from '../../../shared/store/memory-stores.js';
import type { Stores } from '../../../shared/store/stores.js';
import { ACTION_REMOVED, ActivationHandler } from '../../../invoker/service/activation-handler.js';
import type { ActionRunner, RunOutcome, RunRequest } from '../../../invoker/service/action-runner.js';
import { waitFor } from '../../harness/wait-for.js';

class ScriptedRunner implements ActionRunner {
  runs: RunRequest[] = [];
  next: (r: RunRequest) => Promise<RunOutcome> = async (r) => ({
    activationId: r.activationId, response: { status: 'success', statusCode: 0, success: true, result: { ok: true } }, logs: ['2026-01-01T00:00:00.000Z stdout: hi'],
    runStart: 1_000, end: 1_005, initTime: 3, poolWaitMs: 1, startKind: 'cold', isolateId: 'i1', namespaceId: 7, annotations: [],
  });
  async run(r: RunRequest): Promise<RunOutcome> { this.runs.push(r); return this.next(r); }
  stats() { return { userMemory: 1024, busyMemory: 0, freeNamespaces: 3 }; }
  warmSnapshot() { return {}; }
  onWarmChange() { return () => undefined; }
}

/** The completion as the controller reads bytes from Kafka (a copy: not the encoder's object), a framed record parsed. */
function completionOf(value: Buffer): CompletionMessage {
  const d = decodeCompletionMessage(Buffer.from(value));
  if (!d.ok) throw new Error(d.reason);
  const { recordBytes, ...c } = d.value;
  return recordBytes ? { ...c, record: JSON.parse(recordBytes.bytes.toString()) as ActivationRecord } : c;
}

describe('ActivationHandler', () => {
  let stores: Stores;
  let bus: InProcessBus;
  let runner: ScriptedRunner;
  let handler: ActivationHandler;
  let completions: CompletionMessage[];
  const t = topics('unit-');

  beforeEach(async () => {
    stores = createMemoryStores();
    bus = new InProcessBus();
    runner = new ScriptedRunner();
    completions = [];
    await bus.subscribe({ topic: t.completed('c0'), group: 'c0', maxInFlight: 10, handle: async (m) => { completions.push(completionOf(m.value)); } });
    handler = new ActivationHandler({ invokerId: 'inv0', bus, topics: t, actions: stores.actions, activations: stores.activations, runner });
    await stores.actions.put({ namespace: 'guest', name: 'hello', exec: { kind: 'nodejs:20', code: 'function main(){return {}}' }, parameters: [], annotations: [], limits: { ...DEFAULT_LIMITS }, publish: false }, { overwrite: false });
  });

  async function message(overrides: Partial<ActivationMessage> = {}): Promise<Buffer> {
    const action = (await stores.actions.get('guest', 'hello'))!;
    const msg: ActivationMessage = {
      v: 1, activationId: 'a'.repeat(32), action: { namespace: 'guest', name: 'hello', version: action.version }, revision: action.revision,
      namespace: 'guest', subject: 'subj', params: { x: 1 }, blocking: true, controller: 'c0', acceptedAt: 990, ...overrides,
    };
    return Buffer.from(JSON.stringify(msg));
  }

  it('stores the record before publishing a completion that carries it', async () => {
    // The order of the two side effects, as they happen: a handler that published first fails here.
    const order: string[] = [];
    const putIfAbsent = stores.activations.putIfAbsent.bind(stores.activations);
    stores.activations.putIfAbsent = async (r) => { const first = await putIfAbsent(r); order.push('stored'); return first; };
    const publish = bus.publish.bind(bus);
    bus.publish = async (topic, messages) => { order.push('published'); return publish(topic, messages); };
    handler = new ActivationHandler({ invokerId: 'inv0', bus, topics: t, actions: stores.actions, activations: stores.activations, runner });
    await handler.handle({ topic: 'x', value: await message(), headers: {} });
    expect(order).toEqual(['stored', 'published']);
    const record = await stores.activations.get('a'.repeat(32));
    expect(record?.response).toEqual({ status: 'success', statusCode: 0, success: true, result: { ok: true } });
    expect(record?.start).toBe(997);
    expect(record?.duration).toBe(8);
    expect(record?.annotations).toEqual(expect.arrayContaining([{ key: 'waitTime', value: 7 }, { key: 'initTime', value: 3 }, { key: 'path', value: 'guest/hello' }]));
    await waitFor('the completion', () => completions.length === 1);
    expect(completions[0]!.record?.activationId).toBe('a'.repeat(32));
    expect(runner.runs[0]!.params).toEqual({ x: 1 });
  });

  it('records a whisk internal error when the runner refuses the activation (a typed outcome, nothing ran)', async () => {
    runner.next = async (r) => ({
      activationId: r.activationId, refused: 'closed', response: { status: 'whisk internal error', statusCode: 3, success: false, result: { error: 'The invoker is shutting down.' } },
      logs: [], runStart: 0, end: 0, poolWaitMs: 0, startKind: 'cold', isolateId: null, namespaceId: null, annotations: [],
    });
    await handler.handle({ topic: 'x', value: await message(), headers: {} });
    const record = await stores.activations.get('a'.repeat(32));
    expect(record?.response).toMatchObject({ status: 'whisk internal error', result: { error: 'the invoker could not run the action: The invoker is shutting down.' } });
    expect(handler.counters.ran).toBe(0);
  });

  it('does not run a redelivered activation again, but answers it again', async () => {
    const m = await message();
    await handler.handle({ topic: 'x', value: m, headers: {} });
    await handler.handle({ topic: 'x', value: m, headers: {} });
    expect(runner.runs).toHaveLength(1);
    expect(handler.counters.redelivered).toBe(1);
    await waitFor('two completions', () => completions.length === 2);
  });

  it('releases the concurrency slot with the record when it has the throttle store, and says so in the completion', async () => {
    await stores.throttles.acquireConcurrent('guest', 'a'.repeat(32), 10, 60_000);
    handler = new ActivationHandler({ invokerId: 'inv0', bus, topics: t, actions: stores.actions, activations: stores.activations, throttles: stores.throttles, runner });
    await handler.handle({ topic: 'x', value: await message(), headers: {} });
    expect(await stores.throttles.concurrent('guest')).toBe(0);
    await waitFor('the completion', () => completions.length === 1);
    expect(completions[0]!.slotReleased).toBe(true);
    // Without the store (and for a redelivery) the controller releases: nothing is said.
    handler = new ActivationHandler({ invokerId: 'inv0', bus, topics: t, actions: stores.actions, activations: stores.activations, runner });
    await handler.handle({ topic: 'x', value: await message({ activationId: 'c'.repeat(32) }), headers: {} });
    await waitFor('the second completion', () => completions.length === 2);
    expect(completions[1]!.slotReleased).toBeUndefined();
  });

  it('reads no record for a message the bus marks firstDelivery, and still checks every other one', async () => {
    let reads = 0;
    const get = stores.activations.get.bind(stores.activations);
    stores.activations.get = async (id) => { reads++; return get(id); };
    await handler.handle({ topic: 'x', value: await message(), headers: {}, firstDelivery: true });
    expect(reads).toBe(0);
    expect(runner.runs).toHaveLength(1);
    await handler.handle({ topic: 'x', value: await message({ activationId: 'b'.repeat(32) }), headers: {} });
    expect(reads).toBe(1);
    expect(runner.runs).toHaveLength(2);
  });

  it('records an application error when the action was deleted after the invoke', async () => {
    const m = await message();
    await stores.actions.delete('guest', 'hello');
    await handler.handle({ topic: 'x', value: m, headers: {} });
    const record = await stores.activations.get('a'.repeat(32));
    expect(record?.response.status).toBe('application error');
    expect(record?.response.result).toEqual({ error: ACTION_REMOVED });
    expect(runner.runs).toHaveLength(0);
  });

  it('records a whisk internal error when the runner cannot serve, and flags it as a system error', async () => {
    runner.next = async () => { throw new Error('no namespace left'); };
    await handler.handle({ topic: 'x', value: await message(), headers: {} });
    const record = await stores.activations.get('a'.repeat(32));
    expect(record?.response.status).toBe('whisk internal error');
    expect(String(record?.response.result.error)).toContain('no namespace left');
    await waitFor('the completion', () => completions.length === 1);
    expect(completions[0]!.systemError).toBe(true);
  });

  it('on a bus that hands messages over (the standalone\'s), hands the record over with the completion whatever its size, and no bytes', async () => {
    const handing = new InProcessBus({ handOver: true });
    const got: Array<{ bytes: number; completion: CompletionMessage }> = [];
    await handing.subscribe({ topic: t.completed('c0'), group: 'c0', maxInFlight: 10, handle: async (m) => {
      const d = decodeCompletionMessage(m.value);
      if (!d.ok) throw new Error(d.reason);
      got.push({ bytes: m.value.length, completion: d.value });
    } });
    // Over the inline limit of a real bus (900 KiB): on Kafka this completion would carry only the id.
    runner.next = async (r) => ({
      activationId: r.activationId, response: { status: 'success', statusCode: 0, success: true, result: { big: 'x'.repeat(1024 * 1024) } }, logs: [],
      runStart: 1_000, end: 1_005, poolWaitMs: 0, startKind: 'warm', isolateId: 'i1', namespaceId: 7, annotations: [],
    });
    handler = new ActivationHandler({ invokerId: 'inv0', bus: handing, topics: t, actions: stores.actions, activations: stores.activations, runner });
    await handler.handle({ topic: 'x', value: await message(), headers: {} });
    await waitFor('the completion', () => got.length === 1);
    expect(got[0]!.bytes).toBe(0);
    expect(got[0]!.completion.record).toEqual(await stores.activations.get('a'.repeat(32)));
    await handing.close();
  });

  it('sends only the id for non-blocking activations', async () => {
    await handler.handle({ topic: 'x', value: await message({ blocking: false }), headers: {} });
    await waitFor('the completion', () => completions.length === 1);
    expect(completions[0]!.record).toBeUndefined();
  });

  it('drops a malformed message without throwing (it would block the partition forever)', async () => {
    await handler.handle({ topic: 'x', value: Buffer.from('{not json'), headers: {} });
    await handler.handle({ topic: 'x', value: Buffer.from(JSON.stringify({ v: 99 })), headers: {} });
    expect(handler.counters.malformed).toBe(2);
  });

  it('hands the run __OW_API_HOST (once exposed) and __OW_API_KEY only when the message carries a key', async () => {
    const exposed: { url?: string } = {};
    handler = new ActivationHandler({ invokerId: 'inv0', bus, topics: t, actions: stores.actions, activations: stores.activations, runner, apiHost: () => exposed.url });
    await handler.handle({ topic: 'x', value: await message({ activationId: '1'.repeat(32) }), headers: {} });
    exposed.url = 'http://169.254.0.1:3233';
    await handler.handle({ topic: 'x', value: await message({ activationId: '2'.repeat(32) }), headers: {} });
    await handler.handle({ topic: 'x', value: await message({ activationId: '3'.repeat(32), apiKey: 'uuid-1:key-1' }), headers: {} });
    expect(runner.runs.map((r) => r.env)).toEqual([
      undefined,
      { __OW_API_HOST: 'http://169.254.0.1:3233' },
      { __OW_API_HOST: 'http://169.254.0.1:3233', __OW_API_KEY: 'uuid-1:key-1' },
    ]);
    // The key lives in the run's environment only: not in the record the invoker writes.
    expect(JSON.stringify(await stores.activations.get('3'.repeat(32)))).not.toContain('key-1');
  });
});
