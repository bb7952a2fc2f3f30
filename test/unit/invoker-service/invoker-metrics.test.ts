// The invoker's instruments record what the records say, read back through a real metrics SDK.
import { metrics as api } from '@opentelemetry/api';
import { metrics } from '@opentelemetry/sdk-node';
import { afterAll, describe, expect, it } from 'vitest';
import { InvokerMetrics } from '../../../invoker/service/invoker-metrics.js';
import type { ActionRunner } from '../../../invoker/service/action-runner.js';
import type { ActivationRecord } from '../../../shared/model/activation-record.js';

class Reader extends metrics.MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const reader = new Reader();
api.setGlobalMeterProvider(new metrics.MeterProvider({ readers: [reader] }));
afterAll(() => api.disable());

const runner: ActionRunner = {
  run: async () => { throw new Error('not used'); },
  stats: () => ({ userMemory: 1024, busyMemory: 0, freeNamespaces: 7 }),
  warmSnapshot: () => ({ 'guest/a': { revision: 'r', warm: 2, idle: 1, busy: 1 }, 'guest/b': { revision: 'r', warm: 1, idle: 1, busy: 0 } }),
  onWarmChange: () => () => undefined,
};

function record(status: ActivationRecord['response']['status'], start: string, init?: number): ActivationRecord {
  return {
    namespace: 'guest', name: 'a', version: '0.0.1', subject: 's', activationId: 'x', start: 0, end: 10, duration: 10, publish: false, logs: [],
    response: { status, statusCode: 0, success: status === 'success', result: {} },
    annotations: [{ key: 'isolateStart', value: start }, { key: 'waitTime', value: 3 }, ...(init !== undefined ? [{ key: 'initTime', value: init }] : [])],
  };
}

describe('InvokerMetrics', () => {
  it('counts activations by status and starts by kind, and observes warm isolates, free namespaces and lag', async () => {
    const m = new InvokerMetrics('inv7', runner, async () => 5, 'kafka');
    m.recorded(record('success', 'cold', 4));
    m.recorded(record('success', 'warm'));
    m.recorded(record('application error', 'warm'));
    const { resourceMetrics } = await reader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const points = (name: string) => all.find((x) => x.descriptor.name === name)?.dataPoints ?? [];
    const byStatus = Object.fromEntries(points('photon.activations').map((p) => [String(p.attributes['photon.activation.status']), p.value]));
    expect(byStatus).toEqual({ success: 2, 'application error': 1 });
    const byStart = Object.fromEntries(points('photon.isolate.starts').map((p) => [String(p.attributes['photon.isolate.start']), p.value]));
    expect(byStart).toEqual({ cold: 1, warm: 2 });
    expect(points('photon.isolates.warm')[0]?.value).toBe(3);
    expect(points('photon.netns.free')[0]?.value).toBe(7);
    expect(points('photon.kafka.lag')[0]?.value).toBe(5);
    const init = points('photon.activation.init')[0]?.value as { count: number; sum: number };
    expect(init.count).toBe(1);
    expect(init.sum).toBe(4);
  });
});
