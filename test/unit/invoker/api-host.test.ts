// __OW_API_HOST from the URL an invoker is told: what functions dial once the namespace cache has
// opened the API to them, and the URLs it refuses before anything reaches the egress policy.
import { describe, expect, it } from 'vitest';
import { ApiHost } from '../../../invoker/api-host.js';

function cache(translate: (t: { address: string; port: number }) => { address: string; port: number }) {
  const seen: Array<{ address: string; port: number }> = [];
  return { seen, exposeApi: async (t: { address: string; port: number }) => { seen.push(t); return translate(t); } };
}

describe('ApiHost', () => {
  it('is undefined until exposed, then the URL functions dial: translated for loopback, kept otherwise', async () => {
    const c = cache((t) => (t.address.startsWith('127.') ? { address: '169.254.0.1', port: t.port } : t));
    const api = new ApiHost(c);
    expect(api.url).toBeUndefined();
    expect(await api.expose('http://127.0.0.1:3233')).toBe('http://169.254.0.1:3233');
    expect(api.url).toBe('http://169.254.0.1:3233');
    expect(await api.expose('https://10.0.0.5')).toBe('https://10.0.0.5:443');
    expect(await api.expose('http://localhost:8080/ignored/path')).toBe('http://169.254.0.1:8080');
    expect(c.seen).toEqual([{ address: '127.0.0.1', port: 3233 }, { address: '10.0.0.5', port: 443 }, { address: '127.0.0.1', port: 8080 }]);
  });

  it('refuses what is not an http(s) URL, before touching the policy', async () => {
    const c = cache((t) => t);
    const api = new ApiHost(c);
    await expect(api.expose('127.0.0.1:3233 accept')).rejects.toThrow(/must be/);
    await expect(api.expose('ftp://10.0.0.5:21')).rejects.toThrow(/http or https/);
    await expect(api.expose('not a url')).rejects.toThrow(/must be a URL/);
    await expect(api.expose('http://[::1]:3233')).rejects.toThrow(/IPv4 only/);
    expect(c.seen).toEqual([]);
    expect(api.url).toBeUndefined();
  });
});
