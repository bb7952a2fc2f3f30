import { describe, expect, it } from 'vitest';
import { resolveCacheOptions } from '../../../native/cache-options.js';
import { parseNetworkIsolation } from '../../../shared/config/network-isolation.js';
import { isolationUnavailableMessage, missingCapabilities } from '../../../native/capabilities.js';
import { FUNCTION_API_ADDRESS, apiPlacement, apiRules, defaultRouteInterface, functionApiTarget, linkElements, policyRuleset } from '../../../native/egress-policy.js';
import { ipv4ListenAddress } from '../../../native/namespace-sockets.js';

describe('capabilities', () => {
  it('names exactly the missing capabilities', () => {
    expect(missingCapabilities('000001ffffffffff')).toEqual([]);
    expect(missingCapabilities('0000000000000000')).toEqual(['CAP_SYS_ADMIN', 'CAP_NET_ADMIN']);
    expect(missingCapabilities((1 << 21).toString(16))).toEqual(['CAP_NET_ADMIN']);
    expect(missingCapabilities((1 << 12).toString(16))).toEqual(['CAP_SYS_ADMIN']);
  });
  it('says how to turn isolation off', () => {
    const msg = isolationUnavailableMessage(['CAP_NET_ADMIN']);
    expect(msg).toContain('CAP_NET_ADMIN');
    expect(msg).toContain('PHOTON_NETWORK_ISOLATION=off');
  });
});

describe('options', () => {
  it('defaults to the thesis numbers and isolation on', () => {
    const o = resolveCacheOptions({ invokerId: 'inv0' });
    expect(o).toMatchObject({ floor: 40, ceiling: 800, keepAliveMs: 60_000, isolation: 'on', nat: false, idCount: 1024, tag: 'inv0' });
  });
  it('reads PHOTON_NETWORK_ISOLATION and rejects anything but on/off', () => {
    // Parsed once, by the entry points (shared/config/network-isolation.ts); the cache takes the value.
    expect(parseNetworkIsolation(' OFF ')).toBe('off');
    expect(parseNetworkIsolation('on')).toBe('on');
    expect(parseNetworkIsolation(undefined)).toBeUndefined();
    expect(() => parseNetworkIsolation('no')).toThrow(/on' or 'off/);
    expect(() => parseNetworkIsolation('true')).toThrow(/on' or 'off/);
    expect(resolveCacheOptions({ invokerId: 'a' }).isolation).toBe('on');
    expect(resolveCacheOptions({ invokerId: 'a', isolation: 'off' }).isolation).toBe('off');
  });
  it('refuses a ceiling larger than the id block', () => {
    expect(() => resolveCacheOptions({ invokerId: 'a', ceiling: 100, idCount: 64 })).toThrow(RangeError);
  });
});

describe('egress policy', () => {
  const base = { tag: 'tn', idBase: 1024, idCount: 1024 };
  it('rejects traffic from function veths to the host and to other functions unless linked', () => {
    const rules = policyRuleset({ ...base, nat: false });
    expect(rules).toContain('table inet photon_tn');
    expect(rules).toContain('delete table inet photon_tn');
    expect(rules).toMatch(/chain input[\s\S]*iifname "ph-tn-h\*" reject with icmpx admin-prohibited/);
    expect(rules).toMatch(/iifname "ph-tn-h\*" oifname "ph-tn-h\*" iifname \. ip daddr @links accept/);
    expect(rules).toMatch(/chain forward[\s\S]*iifname "ph-tn-h\*" reject with icmpx admin-prohibited[\s\S]*oifname "ph-tn-h\*" drop/);
    expect(rules).not.toContain('masquerade');
  });
  it('masquerades only the invoker block through the uplink when nat is on', () => {
    const rules = policyRuleset({ ...base, nat: true, uplink: 'eth0' });
    expect(rules).toContain('ip saddr 10.4.0.0-10.7.255.255 oifname "eth0" masquerade');
    expect(rules).toContain('iifname "ph-tn-h*" oifname "eth0" accept');
    expect(() => policyRuleset({ ...base, nat: true })).toThrow(/uplink/);
  });
  it("jumps to the API's chains before rejecting, and they start empty", () => {
    const rules = policyRuleset({ ...base, nat: false });
    expect(rules).toMatch(/chain input[\s\S]*ct state established,related accept\n\s*iifname "ph-tn-h\*" jump api_in\n\s*iifname "ph-tn-h\*" reject/);
    expect(rules).toMatch(/chain forward[\s\S]*jump api_fwd\n\s*iifname "ph-tn-h\*" reject/);
    expect(rules).toMatch(/chain api_in \{\n\s*\}/);
    expect(rules).toMatch(/chain api_dnat \{\n\s*type nat hook prerouting priority dstnat; policy accept;\n\s*\}/);
  });
  it('opens exactly the API port: translated for a loopback API, accepted for a local one, forwarded and masqueraded for a remote one', () => {
    const loop = apiRules(base, { address: '127.0.0.1', port: 3233 }, 'loopback');
    expect(loop).toContain('flush chain inet photon_tn api_in');
    expect(loop).toContain(`add rule inet photon_tn api_dnat iifname "ph-tn-h*" ip daddr ${FUNCTION_API_ADDRESS} tcp dport 3233 dnat ip to 127.0.0.1:3233`);
    expect(loop).toContain('add rule inet photon_tn api_in ip daddr 127.0.0.1 tcp dport 3233 ct status dnat accept');
    expect(loop).not.toMatch(/6379|9092|api_fwd i|masquerade/);
    const local = apiRules(base, { address: '192.168.1.5', port: 8080 }, 'local');
    expect(local.split('\n').filter((l) => l.startsWith('add rule'))).toEqual(['add rule inet photon_tn api_in ip daddr 192.168.1.5 tcp dport 8080 accept']);
    const remote = apiRules(base, { address: '10.9.9.9', port: 443 }, 'remote');
    expect(remote.split('\n').filter((l) => l.startsWith('add rule'))).toEqual([
      'add rule inet photon_tn api_fwd ip daddr 10.9.9.9 tcp dport 443 accept',
      'add rule inet photon_tn api_snat ip saddr 10.4.0.0-10.7.255.255 ip daddr 10.9.9.9 tcp dport 443 masquerade',
    ]);
    // nft syntax injection through the target is refused before any rule is written.
    expect(() => apiRules(base, { address: '127.0.0.1 accept; ', port: 1 }, 'loopback')).toThrow(/IPv4/);
    expect(() => apiRules(base, { address: '127.0.0.1', port: 70000 }, 'loopback')).toThrow(/port/);
  });
  it('tells loopback, local and remote API addresses apart, and what functions dial for each', () => {
    const nics = { lo: [{ address: '127.0.0.1' }], eth0: [{ address: '192.168.1.5' }] } as unknown as Parameters<typeof apiPlacement>[1];
    expect(apiPlacement('127.0.0.1', nics)).toBe('loopback');
    expect(apiPlacement('127.1.2.3', nics)).toBe('loopback');
    expect(apiPlacement('0.0.0.0', nics)).toBe('loopback');
    expect(apiPlacement('192.168.1.5', nics)).toBe('local');
    expect(apiPlacement('10.9.9.9', nics)).toBe('remote');
    expect(functionApiTarget({ address: '127.0.0.1', port: 3233 }, 'loopback')).toEqual({ address: FUNCTION_API_ADDRESS, port: 3233 });
    expect(functionApiTarget({ address: '10.9.9.9', port: 443 }, 'remote')).toEqual({ address: '10.9.9.9', port: 443 });
  });
  it('writes link elements as interface . address', () => {
    expect(linkElements([{ fromVeth: 'ph-tn-h0401', toAddress: '10.4.2.2' }])).toBe('"ph-tn-h0401" . 10.4.2.2');
  });
  it('finds the default route interface', () => {
    const table = 'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n' +
      'eth1\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\n' +
      'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\n';
    expect(defaultRouteInterface(table)).toBe('eth0');
    expect(defaultRouteInterface('Iface\n')).toBeUndefined();
  });
});

describe('listen addresses', () => {
  it('maps the usual spellings to IPv4 and rejects the rest', () => {
    expect(ipv4ListenAddress('')).toBe('0.0.0.0');
    expect(ipv4ListenAddress('::')).toBe('0.0.0.0');
    expect(ipv4ListenAddress('localhost')).toBe('127.0.0.1');
    expect(ipv4ListenAddress('10.4.1.2')).toBe('10.4.1.2');
    expect(() => ipv4ListenAddress('::1')).toThrow(/IPv4/);
    expect(() => ipv4ListenAddress('example.com')).toThrow(/IPv4/);
  });
});
