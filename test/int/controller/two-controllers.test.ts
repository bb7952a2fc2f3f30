// Two controllers sharing Redis stores and one bus: entities, throttles and completions routed to
// the controller that scheduled each activation.
import { describe, expect, it } from 'vitest';
import type { RunningController } from '../../../controller/controller.js';
import { useTwoControllers } from './two-controllers-fixture.js';
import { waitFor } from '../../harness/wait-for.js';
import { GUEST_AUTH, HELLO } from '../../unit/controller/controller-fixture.js';

const two = useTwoControllers('two');
const { controllers } = two;

async function call(c: RunningController, method: string, path: string, auth = GUEST_AUTH, body?: unknown) {
  const res = await fetch(`${c.url}${path}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: string; activationId?: string } };
}

describe('two controllers over shared Redis stores', () => {
  it('see each other\'s actions and each get their own completions', async () => {
    const [c0, c1] = controllers as [RunningController, RunningController];
    expect((await call(c0, 'PUT', '/api/v1/namespaces/_/actions/shared', GUEST_AUTH, HELLO)).status).toBe(200);
    expect((await call(c1, 'PUT', '/api/v1/namespaces/_/actions/shared', GUEST_AUTH, HELLO)).status).toBe(409);
    const [r0, r1] = await Promise.all([
      call(c0, 'POST', '/api/v1/namespaces/_/actions/shared?blocking=true&result=true', GUEST_AUTH, { via: 'c0' }),
      call(c1, 'POST', '/api/v1/namespaces/_/actions/shared?blocking=true&result=true', GUEST_AUTH, { via: 'c1' }),
    ]);
    expect(r0).toEqual({ status: 200, body: { via: 'c0' } });
    expect(r1).toEqual({ status: 200, body: { via: 'c1' } });
    expect(two.invoker.received.map((m) => m.message.controller).sort()).toEqual(['c0', 'c1']);
  });

  it('enforce one namespace\'s concurrent limit together', async () => {
    const [c0, c1] = controllers as [RunningController, RunningController];
    await two.stores.auth.createNamespace('narrow', { concurrentInvocations: 1 });
    const k = await two.stores.auth.addKey('narrow');
    const auth = `${k.uuid}:${k.key}`;
    await call(c0, 'PUT', '/api/v1/namespaces/_/actions/slow', auth, HELLO);
    const first = call(c0, 'POST', '/api/v1/namespaces/_/actions/slow?blocking=true', auth, { sleepMs: 400 });
    await waitFor('the first in flight', async () => (await two.stores.throttles.concurrent('narrow')) === 1);
    const second = await call(c1, 'POST', '/api/v1/namespaces/_/actions/slow?blocking=true', auth);
    expect(second.status).toBe(429);
    expect(second.body.error).toBe('Too many concurrent requests in flight (count: 2, allowed: 1).');
    expect((await first).status).toBe(200);
    await waitFor('the slot released', async () => (await two.stores.throttles.concurrent('narrow')) === 0);
    expect((await call(c1, 'POST', '/api/v1/namespaces/_/actions/slow?blocking=true', auth)).status).toBe(200);
  });
});
