import { describe, expect, it } from 'vitest';
import { runAdminCommand } from '../../../controller/admin-cli.js';
import { GUEST_KEY, GUEST_UUID } from '../../../shared/store/guest.js';
import { createMemoryStores } from '../../../shared/store/memory-stores.js';

const run = async (stores: ReturnType<typeof createMemoryStores>, ...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdminCommand(argv, stores, (l) => out.push(l), (l) => err.push(l));
  return { code, out, err };
};

describe('admin CLI', () => {
  it('creates a namespace and prints a working uuid:key, once', async () => {
    const stores = createMemoryStores();
    const r = await run(stores, 'create-namespace', 'alice', '--invocations-per-minute', '5');
    expect(r.code).toBe(0);
    const [uuid, key] = r.out[0]!.split(':');
    expect(await stores.auth.authenticate(uuid!, key!)).toEqual({ namespace: 'alice', subject: uuid, limits: { invocationsPerMinute: 5 } });
    const again = await run(stores, 'create-namespace', 'alice');
    expect(again.code).toBe(1);
    expect(again.err[0]).toContain('already exists');
    const more = await run(stores, 'add-key', 'alice');
    expect(more.code).toBe(0);
    expect(more.out[0]).not.toBe(r.out[0]);
    expect((await run(stores, 'remove-key', uuid!)).code).toBe(0);
    expect(await stores.auth.authenticate(uuid!, key!)).toBeUndefined();
  });

  it('creates the guest key, lists namespaces, and explains bad input', async () => {
    const stores = createMemoryStores();
    expect((await run(stores, 'ensure-guest')).out).toEqual([`${GUEST_UUID}:${GUEST_KEY}`]);
    expect((await run(stores, 'list-namespaces')).out).toEqual(['guest']);
    expect((await run(stores, 'add-key', 'nobody')).err[0]).toContain('does not exist');
    expect((await run(stores, 'create-namespace', 'bad name!')).code).toBe(1);
    expect((await run(stores, 'create-namespace', 'x', '--bogus', '1')).code).toBe(1);
    const usage = await run(stores, 'frobnicate');
    expect(usage.code).toBe(2);
    expect(usage.err[0]).toContain('create-namespace');
  });
});
