// __OW_API_HOST: the URL at which functions reach the controller's API from inside their network
// namespaces. The invoker is told where the API is as the host reaches it (standalone: its own
// controller's URL; cluster: PHOTON_API_HOST_FOR_ACTIONS); the namespace cache opens exactly that
// address and port to functions (native/egress-policy.ts) and says what they must dial for it.
import { lookup } from 'node:dns/promises';
import { isIPv4, isIPv6 } from 'node:net';
import type { NamespaceCache } from '../native/index.js';

/** The API URL functions see, set once the API has been exposed to them; undefined until then. */
export class ApiHost {
  #url: string | undefined;

  constructor(private readonly namespaces: Pick<NamespaceCache, 'exposeApi'>) {}

  get url(): string | undefined {
    return this.#url;
  }

  /**
   * Exposes the API at `url` (http or https, host and port; a name is resolved once, to IPv4) to
   * functions and from then on hands them the URL they must dial. Rejects a URL it cannot use.
   */
  async expose(url: string): Promise<string> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`the API host for actions must be a URL such as http://10.0.0.5:3233, got '${url}'`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`the API host for actions must be http or https, got '${url}'`);
    const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
    const name = parsed.hostname.replace(/^\[|\]$/g, '');
    if (isIPv6(name)) throw new Error(`functions reach the API over IPv4 only (their namespaces are IPv4-only): give an IPv4 URL for it, got '${url}'`);
    const address = isIPv4(name) ? name : (await lookup(name, { family: 4 })).address;
    const seen = await this.namespaces.exposeApi({ address, port });
    // A name stays a name for functions (TLS and virtual hosts need it) unless the policy had to
    // translate the address: then functions dial the translated address.
    const host = seen.address === address ? parsed.hostname : seen.address;
    this.#url = `${parsed.protocol}//${host}:${seen.port}`;
    return this.#url;
  }
}
