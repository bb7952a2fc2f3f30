// Operator commands for namespaces and keys (OpenWhisk's `wskadmin user create`), against the
// cluster's Redis:  npx tsx controller/admin-cli.ts create-namespace alice   → prints uuid:key
import { pathToFileURL } from 'node:url';
import { serviceEnv } from '../shared/config/service-env.js';
import { ensureGuest } from '../shared/store/guest.js';
import type { NamespaceLimits } from '../shared/store/namespace-limits.js';
import { createRedisStores } from '../shared/store/redis-stores.js';
import type { Stores } from '../shared/store/stores.js';
import { validateName } from './action-validation.js';

export const USAGE = `usage: admin-cli <command>
  create-namespace <name> [--invocations-per-minute N] [--concurrent-invocations N]
                                 create a namespace and print a new key for it (uuid:key)
  add-key <namespace>            print another key for an existing namespace
  remove-key <uuid>              revoke a key
  list-namespaces                print every namespace
  ensure-guest                   create the guest namespace with OpenWhisk's well-known key
environment: PHOTON_REDIS_URL (or REDIS_URL), PHOTON_REDIS_PREFIX`;

/** Runs one command; answers the exit code. `out` gets results, `err` messages for humans. */
export async function runAdminCommand(argv: string[], stores: Stores, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'create-namespace': {
        const name = args[0];
        if (!name) break;
        validateName(name, 'namespace name');
        if (name === '_') throw new Error("'_' means the caller's own namespace and cannot be created");
        const limits = parseLimits(args.slice(1));
        if (!(await stores.auth.createNamespace(name, limits))) {
          err(`namespace '${name}' already exists; use add-key to get another key for it`);
          return 1;
        }
        const c = await stores.auth.addKey(name);
        out(`${c.uuid}:${c.key}`);
        return 0;
      }
      case 'add-key': {
        if (!args[0]) break;
        const c = await stores.auth.addKey(args[0]);
        out(`${c.uuid}:${c.key}`);
        return 0;
      }
      case 'remove-key': {
        if (!args[0]) break;
        if (!(await stores.auth.removeKey(args[0]))) {
          err(`no key with uuid ${args[0]}`);
          return 1;
        }
        return 0;
      }
      case 'list-namespaces':
        for (const n of await stores.auth.listNamespaces()) out(n);
        return 0;
      case 'ensure-guest': {
        const c = await ensureGuest(stores.auth);
        out(`${c.uuid}:${c.key}`);
        return 0;
      }
    }
  } catch (e) {
    err(e instanceof Error ? e.message : String(e));
    return 1;
  }
  err(USAGE);
  return 2;
}

function parseLimits(args: string[]): NamespaceLimits {
  const limits: NamespaceLimits = {};
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i];
    const n = Number(args[i + 1]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer`);
    if (flag === '--invocations-per-minute') limits.invocationsPerMinute = n;
    else if (flag === '--concurrent-invocations') limits.concurrentInvocations = n;
    else throw new Error(`unknown option ${flag}\n${USAGE}`);
  }
  return limits;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = serviceEnv(process.env);
  const stores = await createRedisStores({ url: env.redisUrl, prefix: env.redisPrefix });
  const code = await runAdminCommand(process.argv.slice(2), stores, (l) => console.log(l), (l) => console.error(l));
  await stores.close();
  process.exit(code);
}
