// One conformance suite for every Stores adapter (memory and Redis): the contracts in
// shared/store/*-store.ts and warm-registry.ts, checked the same way against both.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ActionInput } from '../../../shared/store/action-store.js';
import type { ActivationRecord } from '../../../shared/model/activation-record.js';
import { DEFAULT_LIMITS } from '../../../shared/model/action.js';
import { ensureGuest, GUEST_KEY, GUEST_UUID } from '../../../shared/store/guest.js';
import type { StoreOptions, Stores } from '../../../shared/store/stores.js';

export interface StoreFixture {
  stores: Stores;
  cleanup(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function actionInput(namespace: string, name: string, code = 'function main(p) { return p; }'): ActionInput {
  return {
    namespace, name,
    exec: { kind: 'nodejs:20', code },
    parameters: [{ key: 'greeting', value: 'hi' }],
    annotations: [],
    limits: { ...DEFAULT_LIMITS },
    publish: false,
  };
}

export function record(namespace: string, name: string, start: number, id = randomBytes(16).toString('hex')): ActivationRecord {
  return {
    namespace, name, version: '0.0.1', subject: 'subject', activationId: id,
    start, end: start + 5, duration: 5,
    response: { status: 'success', statusCode: 0, success: true, result: { ok: true } },
    logs: ['2026-01-01T00:00:00.000Z stdout: hello'], annotations: [{ key: 'kind', value: 'nodejs:20' }], publish: false,
  };
}

export function storeConformance(name: string, open: (options?: StoreOptions) => Promise<StoreFixture>): void {
  describe(`Stores conformance: ${name}`, () => {
    const fixtures: StoreFixture[] = [];
    const stores = async (options?: StoreOptions): Promise<Stores> => {
      const f = await open(options);
      fixtures.push(f);
      return f.stores;
    };
    afterEach(async () => {
      for (const f of fixtures.splice(0)) await f.cleanup();
    });

    describe('auth', () => {
      it('creates the guest namespace with the well-known key, idempotently', async () => {
        const { auth } = await stores();
        await ensureGuest(auth);
        await ensureGuest(auth);
        expect(await auth.authenticate(GUEST_UUID, GUEST_KEY)).toMatchObject({ namespace: 'guest', subject: GUEST_UUID });
        expect(await auth.authenticate(GUEST_UUID, GUEST_KEY.slice(1) + 'x')).toBeUndefined();
        expect(await auth.authenticate('no-such-uuid', GUEST_KEY)).toBeUndefined();
        expect(await auth.listNamespaces()).toEqual(['guest']);
      });

      it('creates namespaces once and generates keys that authenticate only their namespace', async () => {
        const { auth } = await stores();
        expect(await auth.createNamespace('alice', { invocationsPerMinute: 7 })).toBe(true);
        expect(await auth.createNamespace('alice')).toBe(false);
        expect((await auth.getNamespace('alice'))?.limits).toEqual({ invocationsPerMinute: 7 });
        await auth.createNamespace('bob');
        const a = await auth.addKey('alice');
        const b = await auth.addKey('bob');
        expect(a.key).toMatch(/^[A-Za-z0-9]{64}$/);
        expect(a.uuid).not.toBe(b.uuid);
        expect(await auth.authenticate(a.uuid, a.key)).toEqual({ namespace: 'alice', subject: a.uuid, limits: { invocationsPerMinute: 7 } });
        expect(await auth.authenticate(a.uuid, b.key)).toBeUndefined();
        expect((await auth.authenticate(b.uuid, b.key))?.namespace).toBe('bob');
        expect(await auth.listNamespaces()).toEqual(['alice', 'bob']);
      });

      it('refuses keys for missing namespaces and uuids bound elsewhere, and revokes keys', async () => {
        const { auth } = await stores();
        await expect(auth.addKey('nobody')).rejects.toThrow(/does not exist/);
        await auth.createNamespace('one');
        await auth.createNamespace('two');
        const k = await auth.addKey('one', { uuid: 'u-1', key: 'k-1' });
        expect(await auth.addKey('one', { uuid: 'u-1', key: 'k-1' })).toEqual(k);
        await expect(auth.addKey('two', { uuid: 'u-1', key: 'k-1' })).rejects.toThrow(/already bound/);
        await expect(auth.addKey('one', { uuid: 'u-1', key: 'other' })).rejects.toThrow(/already bound/);
        expect(await auth.removeKey('u-1')).toBe(true);
        expect(await auth.removeKey('u-1')).toBe(false);
        expect(await auth.authenticate('u-1', 'k-1')).toBeUndefined();
      });

      it('mints activation-scoped keys that authenticate as the caller until their ttl, then not at all', async () => {
        const { auth } = await stores();
        await auth.createNamespace('alice', { invocationsPerMinute: 3 });
        const caller = { namespace: 'alice', subject: 'alice-subject', limits: {} };
        const minted = await auth.addActivationKey(caller, 250);
        expect(minted).toMatch(/^[0-9a-f-]{36}:[A-Za-z0-9]{64}$/);
        const [uuid, key] = minted.split(':') as [string, string];
        const identity = await auth.authenticate(uuid, key);
        expect(identity).toMatchObject({ namespace: 'alice', subject: 'alice-subject', limits: { invocationsPerMinute: 3 } });
        expect(identity!.expiresAt).toBeGreaterThan(Date.now());
        // One character changed (to one it is not: a key that already ends in 'x' made this pass by luck 1 time in 62).
        expect(await auth.authenticate(uuid, `${key.slice(0, -1)}${key.endsWith('x') ? 'y' : 'x'}`)).toBeUndefined();
        expect((await auth.addActivationKey(caller, 250)).split(':')[0]).not.toBe(uuid);
        await new Promise((r) => setTimeout(r, 300));
        expect(await auth.authenticate(uuid, key)).toBeUndefined();
        // The namespace's own keys are untouched by it.
        const own = await auth.addKey('alice');
        expect((await auth.authenticate(own.uuid, own.key))?.expiresAt).toBeUndefined();
      });
    });

    describe('actions', () => {
      it('creates at 0.0.1, refuses a duplicate create, bumps version and revision on overwrite', async () => {
        const { actions } = await stores();
        const created = await actions.put(actionInput('ns', 'hello'), { overwrite: false });
        expect(created.outcome).toBe('created');
        expect(created.action).toMatchObject({ namespace: 'ns', name: 'hello', version: '0.0.1', parameters: [{ key: 'greeting', value: 'hi' }] });
        const dup = await actions.put(actionInput('ns', 'hello', 'changed'), { overwrite: false });
        expect(dup.outcome).toBe('exists');
        expect(dup.action.exec.code).toBe(created.action.exec.code);
        expect(dup.action.revision).toBe(created.action.revision);
        const updated = await actions.put(actionInput('ns', 'hello', 'changed'), { overwrite: true });
        expect(updated.outcome).toBe('updated');
        expect(updated.action.version).toBe('0.0.2');
        expect(updated.action.revision).not.toBe(created.action.revision);
        expect((await actions.get('ns', 'hello'))?.exec.code).toBe('changed');
        expect((await actions.put(actionInput('ns', 'hello'), { overwrite: true })).action.version).toBe('0.0.3');
        expect(await actions.get('other', 'hello')).toBeUndefined();
      });

      it('keeps its own copy of what was put, and what a reader may try to change of what it got changes no stored action', async () => {
        const { actions } = await stores();
        const input = actionInput('ns', 'owned');
        await actions.put(input, { overwrite: false });
        input.exec.code = 'changed by the writer';
        const got = (await actions.get('ns', 'owned'))!;
        expect(got.exec.code).not.toBe('changed by the writer');
        const code = got.exec.code;
        // An adapter may answer a shared, frozen action (memory), where the change throws.
        try { got.exec.code = 'changed by a reader'; got.parameters.push({ key: 'k', value: 1 }); } catch { /* frozen */ }
        const again = (await actions.get('ns', 'owned'))!;
        expect(again.exec.code).toBe(code);
        expect(again.parameters).toEqual([{ key: 'greeting', value: 'hi' }]);
      });

      it('overwrite=true on a missing action creates it', async () => {
        const { actions } = await stores();
        const r = await actions.put(actionInput('ns', 'fresh'), { overwrite: true });
        expect(r.outcome).toBe('created');
        expect(r.action.version).toBe('0.0.1');
      });

      it('answers exactly one created for concurrent creates of one name', async () => {
        const { actions } = await stores();
        const outcomes = await Promise.all(Array.from({ length: 8 }, () => actions.put(actionInput('ns', 'race'), { overwrite: false })));
        expect(outcomes.filter((o) => o.outcome === 'created')).toHaveLength(1);
      });

      it('lists most recently updated first, with limit and skip, per namespace', async () => {
        const { actions } = await stores();
        for (const n of ['a', 'b', 'c', 'd']) {
          await actions.put(actionInput('ns', n), { overwrite: false });
          await sleep(3);
        }
        await actions.put(actionInput('elsewhere', 'x'), { overwrite: false });
        await sleep(3);
        await actions.put(actionInput('ns', 'b'), { overwrite: true });
        const names = async (limit: number, skip: number): Promise<string[]> => (await actions.list('ns', { limit, skip })).map((a) => a.name);
        expect(await names(30, 0)).toEqual(['b', 'd', 'c', 'a']);
        expect(await names(2, 1)).toEqual(['d', 'c']);
        expect(await names(30, 10)).toEqual([]);
      });

      it('keeps a 48 MB archive code and its binary flag, and answers it on get and delete', async () => {
        const { actions } = await stores();
        const code = Buffer.alloc(36 * 1024 * 1024, 7).toString('base64');
        const input = { ...actionInput('ns', 'zip'), exec: { kind: 'nodejs:20', code, binary: true } };
        const put = await actions.put(input, { overwrite: false });
        expect(put.action.exec.code.length).toBe(code.length);
        const got = await actions.get('ns', 'zip');
        expect(got?.exec.binary).toBe(true);
        expect(got?.exec.code === code).toBe(true);
        // A list may leave codes out (the API lists without code).
        const listed = (await actions.list('ns', { limit: 10, skip: 0 })).find((a) => a.name === 'zip');
        expect(listed?.exec.binary).toBe(true);
        expect((await actions.delete('ns', 'zip'))?.exec.code === code).toBe(true);
      });

      it('deletes and answers what it deleted', async () => {
        const { actions } = await stores();
        await actions.put(actionInput('ns', 'gone'), { overwrite: false });
        expect((await actions.delete('ns', 'gone'))?.name).toBe('gone');
        expect(await actions.delete('ns', 'gone')).toBeUndefined();
        expect(await actions.get('ns', 'gone')).toBeUndefined();
        expect(await actions.list('ns', { limit: 30, skip: 0 })).toEqual([]);
        expect((await actions.put(actionInput('ns', 'gone'), { overwrite: false })).action.version).toBe('0.0.1');
      });
    });

    describe('activations', () => {
      it('writes a record once: the first write wins and says so', async () => {
        const { activations } = await stores();
        const r = record('ns', 'a', 1000);
        expect(await activations.putIfAbsent(r)).toBe(true);
        const second = { ...r, response: { ...r.response, status: 'whisk internal error' as const, statusCode: 3 as const, success: false } };
        expect(await activations.putIfAbsent(second)).toBe(false);
        expect(await activations.get(r.activationId)).toEqual(r);
        expect(await activations.get('0'.repeat(32))).toBeUndefined();
      });

      it('keeps what was written: the writer changing its object afterwards, or a reader changing what it got, changes no stored record', async () => {
        const { activations } = await stores();
        const r = record('ns', 'owned', Date.now());
        const original = structuredClone(r);
        await activations.putIfAbsent(r);
        r.response.result = { changed: 'by the writer' };
        const got = (await activations.get(r.activationId))!;
        expect(got).toEqual(original);
        got.response.result = { changed: 'by a reader' };
        expect(await activations.get(r.activationId)).toEqual(original);
        const [listed] = await activations.list('ns', { limit: 1, skip: 0 });
        listed!.logs.push('by a lister');
        expect(await activations.get(r.activationId)).toEqual(original);
      });

      it('takes the writer\'s JSON text when given: the record is not stringified again', async () => {
        const { activations } = await stores();
        const r = record('ns', 'given-json', Date.now());
        const json = JSON.stringify(r);
        const stringify = vi.spyOn(JSON, 'stringify');
        try {
          expect(await activations.putIfAbsent(r, json)).toBe(true);
          expect(stringify.mock.calls.filter(([v]) => v === r)).toEqual([]);
        } finally {
          stringify.mockRestore();
        }
        expect(await activations.get(r.activationId)).toEqual(r);
      });

      it('answers exactly one first write for concurrent writers', async () => {
        const { activations } = await stores();
        const r = record('ns', 'a', Date.now());
        const firsts = await Promise.all(Array.from({ length: 8 }, () => activations.putIfAbsent(r)));
        expect(firsts.filter(Boolean)).toHaveLength(1);
        expect(await activations.list('ns', { limit: 10, skip: 0 })).toHaveLength(1);
      });

      it('lists newest first with name, since, upto, limit and skip, per namespace', async () => {
        const { activations } = await stores();
        const base = Date.now() - 10_000;
        const rs = [record('ns', 'a', base + 1), record('ns', 'b', base + 2), record('ns', 'a', base + 3), record('ns', 'a', base + 4), record('other', 'a', base + 5)];
        for (const r of rs) await activations.putIfAbsent(r);
        const ids = async (q: Parameters<Stores['activations']['list']>[1], ns = 'ns'): Promise<string[]> => (await activations.list(ns, q)).map((r) => r.activationId);
        expect(await ids({ limit: 30, skip: 0 })).toEqual([rs[3], rs[2], rs[1], rs[0]].map((r) => r!.activationId));
        expect(await ids({ name: 'a', limit: 30, skip: 0 })).toEqual([rs[3], rs[2], rs[0]].map((r) => r!.activationId));
        expect(await ids({ since: base + 2, upto: base + 3, limit: 30, skip: 0 })).toEqual([rs[2], rs[1]].map((r) => r!.activationId));
        expect(await ids({ limit: 2, skip: 1 })).toEqual([rs[2], rs[1]].map((r) => r!.activationId));
        expect(await ids({ name: 'a', limit: 1, skip: 1 })).toEqual([rs[2]!.activationId]);
        expect(await ids({ limit: 30, skip: 0 }, 'other')).toEqual([rs[4]!.activationId]);
        expect(await ids({ limit: 30, skip: 0 }, 'nobody')).toEqual([]);
      });

      it('forgets records after the retention', async () => {
        const { activations } = await stores({ activationRetentionMs: 300 });
        const r = record('ns', 'short', Date.now());
        expect(await activations.putIfAbsent(r)).toBe(true);
        expect(await activations.get(r.activationId)).toBeDefined();
        await sleep(450);
        expect(await activations.get(r.activationId)).toBeUndefined();
        expect(await activations.list('ns', { limit: 10, skip: 0 })).toEqual([]);
      });
    });

    describe('warm registry', () => {
      const counts = (idle: number, busy: number, revision = 'r1') => ({ revision, warm: idle + busy, idle, busy });

      it('answers per invoker for an action, and per action for an invoker', async () => {
        const { warm } = await stores();
        await warm.set('inv0', 'ns/a', counts(1, 0), 5_000);
        await warm.set('inv1', 'ns/a', counts(0, 2), 5_000);
        await warm.set('inv1', 'ns/b', counts(3, 0), 5_000);
        expect(await warm.forAction('ns/a')).toEqual({ inv0: counts(1, 0), inv1: counts(0, 2) });
        expect(await warm.forAction('ns/b')).toEqual({ inv1: counts(3, 0) });
        expect(await warm.forAction('ns/none')).toEqual({});
        expect(await warm.forInvoker('inv1')).toEqual({ 'ns/a': counts(0, 2), 'ns/b': counts(3, 0) });
        await warm.set('inv1', 'ns/a', counts(0, 0), 5_000);
        expect(await warm.forAction('ns/a')).toEqual({ inv0: counts(1, 0) });
      });

      it('replaces a whole snapshot, and removes an invoker', async () => {
        const { warm } = await stores();
        await warm.set('inv0', 'ns/a', counts(1, 0), 5_000);
        await warm.replace('inv0', { 'ns/b': counts(2, 1), 'ns/c': counts(0, 0) }, 5_000);
        expect(await warm.forInvoker('inv0')).toEqual({ 'ns/b': counts(2, 1) });
        expect(await warm.forAction('ns/a')).toEqual({});
        await warm.remove('inv0');
        expect(await warm.forInvoker('inv0')).toEqual({});
        expect(await warm.forAction('ns/b')).toEqual({});
      });

      it('expires with the invoker, unless refreshed', async () => {
        const { warm } = await stores();
        await warm.set('live', 'ns/a', counts(1, 0), 300);
        await warm.set('dead', 'ns/a', counts(1, 0), 300);
        await sleep(180);
        await warm.refresh('live', 300);
        await sleep(200);
        expect(Object.keys(await warm.forAction('ns/a'))).toEqual(['live']);
        expect(await warm.forInvoker('dead')).toEqual({});
      });
    });

    describe('throttles', () => {
      it('allows invocations per minute up to the limit and does not count rejected ones', async () => {
        const { throttles } = await stores();
        // Avoid straddling a minute boundary, which would legitimately reset the window.
        const intoMinute = Date.now() % 60_000;
        if (intoMinute > 59_000) await sleep(60_000 - intoMinute + 10);
        expect(await throttles.countInvocation('ns', 2)).toEqual({ allowed: true, count: 1 });
        expect(await throttles.countInvocation('ns', 2)).toEqual({ allowed: true, count: 2 });
        expect(await throttles.countInvocation('ns', 2)).toEqual({ allowed: false, count: 3 });
        expect(await throttles.countInvocation('ns', 2)).toEqual({ allowed: false, count: 3 });
        expect(await throttles.countInvocation('ns', 3)).toEqual({ allowed: true, count: 3 });
        expect((await throttles.countInvocation('other', 2)).allowed).toBe(true);
      });

      it('holds concurrent activations up to the limit, with release and re-acquire', async () => {
        const { throttles } = await stores();
        expect(await throttles.acquireConcurrent('ns', 'a1', 2, 10_000)).toEqual({ allowed: true, count: 1 });
        expect(await throttles.acquireConcurrent('ns', 'a2', 2, 10_000)).toEqual({ allowed: true, count: 2 });
        expect(await throttles.acquireConcurrent('ns', 'a3', 2, 10_000)).toEqual({ allowed: false, count: 3 });
        expect(await throttles.acquireConcurrent('ns', 'a2', 2, 10_000)).toEqual({ allowed: true, count: 2 });
        expect(await throttles.acquireConcurrent('other', 'b1', 2, 10_000)).toEqual({ allowed: true, count: 1 });
        expect(await throttles.concurrent('ns')).toBe(2);
        expect(await throttles.releaseConcurrent('ns', 'a1')).toBe(true);
        expect(await throttles.releaseConcurrent('ns', 'a1')).toBe(false);
        expect((await throttles.acquireConcurrent('ns', 'a3', 2, 10_000)).allowed).toBe(true);
      });

      it('lets unreleased entries expire', async () => {
        const { throttles } = await stores();
        expect((await throttles.acquireConcurrent('ns', 'leak', 1, 200)).allowed).toBe(true);
        expect((await throttles.acquireConcurrent('ns', 'next', 1, 200)).allowed).toBe(false);
        await sleep(300);
        expect(await throttles.concurrent('ns')).toBe(0);
        expect((await throttles.acquireConcurrent('ns', 'next', 1, 200)).allowed).toBe(true);
      });

      it('acquires an id whose own entry expired anew, within the limit (it is not held any more)', async () => {
        const { throttles } = await stores();
        expect((await throttles.acquireConcurrent('ns', 'live', 2, 10_000)).allowed).toBe(true);
        expect((await throttles.acquireConcurrent('ns', 'stale', 2, 200)).allowed).toBe(true);
        await sleep(300);
        expect(await throttles.acquireConcurrent('ns', 'stale', 1, 10_000)).toEqual({ allowed: false, count: 2 });
        expect(await throttles.concurrent('ns')).toBe(1);
      });
    });

    describe('triggers and rules', () => {
      const rule = (name: string, trigger = 't') => ({ namespace: 'ns', name, trigger: { namespace: 'ns', name: trigger }, action: { namespace: 'ns', name: 'a' }, status: 'active' as const, annotations: [], publish: false });
      it('create 0.0.1, exists without overwrite, overwrite bumps, list newest first, delete', async () => {
        const { triggers } = await stores();
        const input = { namespace: 'ns', name: 't', parameters: [{ key: 'k', value: [1, { x: [] }] }], annotations: [], limits: {}, publish: false };
        const created = await triggers.put(input, { overwrite: false });
        expect(created).toMatchObject({ outcome: 'created', entity: { ...input, version: '0.0.1' } });
        expect((await triggers.put({ ...input, parameters: [] }, { overwrite: false })).outcome).toBe('exists');
        expect((await triggers.get('ns', 't'))!.parameters).toEqual(input.parameters);
        const updated = await triggers.put({ ...input, parameters: [] }, { overwrite: true });
        expect(updated).toMatchObject({ outcome: 'updated', entity: { version: '0.0.2', parameters: [] } });
        await triggers.put({ ...input, name: 'u' }, { overwrite: false });
        expect((await triggers.list('ns', { limit: 10, skip: 0 })).map((t) => t.name)).toEqual(['u', 't']);
        expect((await triggers.list('ns', { limit: 1, skip: 1 })).map((t) => t.name)).toEqual(['t']);
        expect((await triggers.delete('ns', 't'))?.name).toBe('t');
        expect(await triggers.delete('ns', 't')).toBeUndefined();
        expect(await triggers.get('ns', 't')).toBeUndefined();
      });

      it('setField changes a rule\'s status without a new version; a put replaces it; concurrent creates give one created', async () => {
        const { rules } = await stores();
        await rules.put(rule('r'), { overwrite: false });
        expect(await rules.setField('ns', 'r', 'status', 'inactive')).toMatchObject({ status: 'inactive', version: '0.0.1' });
        expect((await rules.get('ns', 'r'))!.status).toBe('inactive');
        expect((await rules.list('ns', { limit: 10, skip: 0 }))[0]!.status).toBe('inactive');
        expect(await rules.setField('ns', 'missing', 'status', 'inactive')).toBeUndefined();
        expect((await rules.put(rule('r'), { overwrite: true })).entity).toMatchObject({ status: 'active', version: '0.0.2' });
        const outcomes = await Promise.all([rules.put(rule('race'), { overwrite: false }), rules.put(rule('race'), { overwrite: false })]);
        expect(outcomes.map((o) => o.outcome).sort()).toEqual(['created', 'exists']);
      });
    });

    describe('packages', () => {
      const pkg = (name: string, extra: Record<string, unknown> = {}) => ({ namespace: 'ns', name, parameters: [{ key: 'p', value: 1 }], annotations: [], publish: false, ...extra });
      it('packages and bindings: create 0.0.1, exists, overwrite bumps, the binding survives a round trip, list per namespace, delete', async () => {
        const { packages } = await stores();
        expect(await packages.put(pkg('utils'), { overwrite: false })).toMatchObject({ outcome: 'created', entity: { name: 'utils', version: '0.0.1', publish: false } });
        expect((await packages.put(pkg('utils', { publish: true }), { overwrite: false })).outcome).toBe('exists');
        expect((await packages.put(pkg('utils', { publish: true }), { overwrite: true })).entity).toMatchObject({ version: '0.0.2', publish: true });
        const bound = pkg('mine', { binding: { namespace: 'other', name: 'shared' } });
        await packages.put(bound, { overwrite: false });
        expect((await packages.get('ns', 'mine'))!.binding).toEqual({ namespace: 'other', name: 'shared' });
        expect((await packages.get('ns', 'utils'))!.binding).toBeUndefined();
        await packages.put({ ...pkg('elsewhere'), namespace: 'ns2' }, { overwrite: false });
        // Per namespace; the order (newest first) is not asserted: two puts in one millisecond tie,
        // and the adapters break ties differently (Redis' sorted set by name descending).
        expect((await packages.list('ns', { limit: 10, skip: 0 })).map((p) => p.name).sort()).toEqual(['mine', 'utils']);
        expect((await packages.delete('ns', 'utils'))?.name).toBe('utils');
        expect(await packages.get('ns', 'utils')).toBeUndefined();
        expect((await packages.list('ns2', { limit: 10, skip: 0 })).map((p) => p.name)).toEqual(['elsewhere']);
      });

      it('actions of a package live under the namespace path ns/pkg, apart from the namespace\'s own', async () => {
        const { actions } = await stores();
        await actions.put(actionInput('ns', 'a'), { overwrite: false });
        await actions.put(actionInput('ns/pkg', 'a', 'function main() { return {pkg: true}; }'), { overwrite: false });
        expect((await actions.get('ns/pkg', 'a'))!.exec.code).toContain('pkg: true');
        expect((await actions.get('ns', 'a'))!.exec.code).not.toContain('pkg: true');
        expect((await actions.list('ns/pkg', { limit: 10, skip: 0 })).map((a) => `${a.namespace}/${a.name}`)).toEqual(['ns/pkg/a']);
        expect((await actions.list('ns', { limit: 10, skip: 0 })).map((a) => `${a.namespace}/${a.name}`)).toEqual(['ns/a']);
        expect((await actions.delete('ns/pkg', 'a'))?.namespace).toBe('ns/pkg');
        expect(await actions.get('ns', 'a')).toBeDefined();
      });
    });

    describe('feeds', () => {
      const binding = (trigger: string) => ({ namespace: 'ns', trigger, subject: 's', active: true, created: 1, config: { kind: 'kafka' as const, topic: 'x', brokers: [], isJSONData: false, isBinaryKey: false, isBinaryValue: false } });
      it('bindings: put, get, list across namespaces, delete', async () => {
        const { feeds } = await stores();
        await feeds.put(binding('a'));
        await feeds.put({ ...binding('b'), namespace: 'other' });
        expect(await feeds.get('ns', 'a')).toEqual(binding('a'));
        expect((await feeds.list()).map((b) => `${b.namespace}/${b.trigger}`).sort()).toEqual(['ns/a', 'other/b']);
        await feeds.put({ ...binding('a'), active: false });
        expect((await feeds.get('ns', 'a'))!.active).toBe(false);
        expect(await feeds.delete('ns', 'a')).toBe(true);
        expect(await feeds.delete('ns', 'a')).toBe(false);
      });

      it('fire positions only move forward; clearFired forgets them', async () => {
        const { feeds } = await stores();
        expect(await feeds.firedThrough('f', 0)).toBe(-1);
        await feeds.markFired('f', 0, 10);
        await feeds.markFired('f', 0, 5);
        await feeds.markFired('f', 1, 3);
        expect(await feeds.firedThrough('f', 0)).toBe(10);
        expect(await feeds.firedThrough('f', 1)).toBe(3);
        await feeds.clearFired('f');
        expect(await feeds.firedThrough('f', 0)).toBe(-1);
      });

      it('dead letters: newest first, capped, paged, cleared', async () => {
        const { feeds } = await stores();
        const dl = (n: number) => ({ triggerActivationId: String(n), rule: 'ns/r', action: 'ns/a', activationIds: [String(n)], status: 'application error', params: { n }, failedAt: n });
        for (let i = 0; i < 5; i++) await feeds.pushDeadLetter('ns', 't', dl(i), 3);
        expect((await feeds.deadLetters('ns', 't', { limit: 10, skip: 0 })).map((d) => d.failedAt)).toEqual([4, 3, 2]);
        expect((await feeds.deadLetters('ns', 't', { limit: 1, skip: 1 })).map((d) => d.failedAt)).toEqual([3]);
        await feeds.clearDeadLetters('ns', 't');
        expect(await feeds.deadLetters('ns', 't', { limit: 10, skip: 0 })).toEqual([]);
      });
    });

    describe('composition progress', () => {
      it('create once, compare-and-set replace, remove', async () => {
        const { progress } = await stores();
        expect(await progress.create({ id: 'c1', owner: 'o1', data: { steps: 1, list: [], obj: {} } })).toBe(true);
        expect(await progress.create({ id: 'c1', owner: 'o2', data: {} })).toBe(false);
        expect(await progress.get('c1')).toEqual({ id: 'c1', owner: 'o1', version: 1, data: { steps: 1, list: [], obj: {} } });
        expect(await progress.replace('c1', 1, { steps: 2 })).toBe(2);
        // A second writer that read version 1 loses: only one controller advances a step.
        expect(await progress.replace('c1', 1, { steps: 9 })).toBeUndefined();
        expect((await progress.get('c1'))!.data).toEqual({ steps: 2 });
        await progress.remove('c1');
        expect(await progress.get('c1')).toBeUndefined();
        expect(await progress.replace('c1', 2, {})).toBeUndefined();
      });

      it('records of an owner that stopped saying it is alive are claimed once, by one claimer; a live owner keeps its own', async () => {
        const { progress } = await stores();
        await progress.alive('dead', 150);
        // Claimers say they are alive first, as the engine does: a silent claimer's records are orphans too.
        for (const o of ['live', 'me', 'you']) await progress.alive(o, 60_000);
        for (const id of ['d1', 'd2']) await progress.create({ id, owner: 'dead', data: { id } });
        await progress.create({ id: 'l1', owner: 'live', data: {} });
        expect(await progress.claimOrphans('me', 10)).toEqual([]);
        await sleep(250);
        const [a, b] = await Promise.all([progress.claimOrphans('me', 10), progress.claimOrphans('you', 10)]);
        const claimed = [...a, ...b];
        expect(claimed.map((r) => r.id).sort()).toEqual(['d1', 'd2']);
        for (const r of claimed) {
          expect(r.version).toBe(2);
          expect((await progress.get(r.id))!.owner).toBe(r.owner);
        }
        expect((await progress.get('l1'))!.owner).toBe('live');
        const mine = a.length > 0 ? 'me' : 'you';
        expect((await progress.owned(mine, 10)).map((r) => r.id).sort()).toEqual(claimed.filter((r) => r.owner === mine).map((r) => r.id).sort());
        // The old owner's late write fails: its version is gone.
        expect(await progress.replace('d1', 1, {})).toBeUndefined();
      });
    });
  });
}
