// The host side of built-in modules: one line per module that calls the host (the guest side is
// its line in builtin-modules.ts). A module absent here answers every host call with an error.
import type { HostBuiltin } from './host-builtin.js';
import { cryptoHost } from './host/crypto-host.js';
import { bufferHost } from './host/buffer-host.js';
import { dgramHost } from './host/dgram-host.js';
import { dnsHost } from './host/dns-host.js';
import { httpHost } from './host/http-host.js';
import { netHost } from './host/net-host.js';
import { runtimeHost } from './host/runtime-host.js';
import { webHost } from './host/web-host.js';
import { zlibHost } from './host/zlib-host.js';

export const HOST_BUILTINS: Readonly<Record<string, HostBuiltin>> = {
  crypto: cryptoHost,
  buffer: bufferHost,
  'internal/runtime': runtimeHost,
  'internal/web': webHost,
  zlib: zlibHost,
  dgram: dgramHost,
  dns: dnsHost,
  http: httpHost,
  net: netHost,
};
