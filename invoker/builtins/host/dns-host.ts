// The host side of node:dns: names resolved by the host's resolver on the function's behalf (the
// namespace has no resolver of its own; connections to the answers still leave from the
// namespace and obey its egress policy). Only queries: no server or cache settings cross.
import dns from 'node:dns';
import type { HostBuiltin } from '../host-builtin.js';
import { coded } from './host-streams.js';

const RRTYPES = new Set(['A', 'AAAA', 'ANY', 'CAA', 'CNAME', 'MX', 'NAPTR', 'NS', 'PTR', 'SOA', 'SRV', 'TXT']);
const resolver = new dns.promises.Resolver({ timeout: 5000, tries: 2 });

function name(v: unknown): string {
  if (typeof v !== 'string' || v.length > 253) throw coded('ERR_INVALID_ARG_TYPE', 'The "hostname" argument must be of type string', TypeError);
  return v;
}

export const dnsHost: HostBuiltin = {
  async call(op, args) {
    switch (op) {
      case 'lookup': {
        const o = (args[1] ?? {}) as { family?: unknown; all?: unknown };
        const family = o.family === 4 || o.family === 6 ? o.family : 0;
        const all = await dns.promises.lookup(name(args[0]), { family, all: true });
        return all.map((a) => ({ address: a.address, family: a.family }));
      }
      case 'resolve': {
        const rrtype = typeof args[1] === 'string' ? args[1] : 'A';
        if (!RRTYPES.has(rrtype)) throw coded('ERR_INVALID_ARG_VALUE', `The argument 'rrtype' is invalid. Received '${rrtype}'`, TypeError);
        return (await resolver.resolve(name(args[0]), rrtype)) as unknown;
      }
      case 'resolve4':
      case 'resolve6':
        return resolver[op](name(args[0]), { ttl: args[1] === true });
      case 'reverse':
        return resolver.reverse(name(args[0]));
      default:
        throw new TypeError(`dns: no host operation ${op}`);
    }
  },
};
