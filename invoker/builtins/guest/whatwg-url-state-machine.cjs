// whatwg-url's lib/url-state-machine.js with a fast path for the commonest URLs: build-builtins.ts
// bundles this where whatwg-url requires './url-state-machine' (and the original file where this
// requires it). `new URL(s)` runs the spec's state machine one code point at a time, ~40 functions
// the first time in an isolate (node:url's first parse was most of the layer action's first run,
// and a tenth of a millisecond each time after: invoker/README.md "First run"). An absolute
// http(s)/ws(s) URL without a base whose every character is one the parser keeps as it is (a
// lower-case host of letters, digits and hyphens, a decimal port, a path, query and fragment of
// unreserved characters and sub-delimiters: nothing to percent-encode, decode, lower-case,
// normalise or reject) gets the record the state machine would build, read off one regular
// expression; anything else (a base, a state override, user info, upper case, `%`, `\`, dot
// segments, IPv4 or punycode hosts, characters beyond ASCII...) goes to the original.
// test/unit/builtins/url-fast-parse.test.ts compares every component with Node's URL.
'use strict';
const original = require('photon-original:whatwg-url/lib/url-state-machine');

const DEFAULT_PORT = { http: 80, https: 443, ws: 80, wss: 443 };
// Characters no state of the parser changes in a special URL's path, query or fragment.
const FAST = /^(https?|wss?):\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::([0-9]{1,5}))?((?:\/[A-Za-z0-9\-._~!$&()*+,;=:@]*)*)(?:\?([A-Za-z0-9\-._~!$&()*+,;=:@/?]*))?(?:#([A-Za-z0-9\-._~!$&()*+,;=:@/?]*))?$/;
// A host whose last label starts with a digit may be an IPv4 address (the spec's "ends in a
// number"); a label starting `xn--` is punycode that tr46 validates.
const NUMBER_OR_PUNYCODE = /(?:^|\.)(?:[0-9][a-z0-9-]*$|xn--)/;

function fastParse(input) {
  const m = FAST.exec(input);
  if (m === null || NUMBER_OR_PUNYCODE.test(m[2])) return undefined;
  const scheme = m[1];
  let port = null;
  if (m[3] !== undefined) {
    port = parseInt(m[3], 10);
    if (port > 65535) return undefined;
    if (port === DEFAULT_PORT[scheme]) port = null;
  }
  const path = m[4] === '' ? [''] : m[4].slice(1).split('/');
  for (let i = 0; i < path.length; i++) if (path[i] === '.' || path[i] === '..') return undefined;
  // The same properties in the same order as the state machine's record.
  return { scheme, username: '', password: '', host: m[2], port, path, query: m[5] === undefined ? null : m[5], fragment: m[6] === undefined ? null : m[6] };
}

function basicURLParse(input, options) {
  if (typeof input === 'string' && (options === undefined || (options.baseURL == null && options.url === undefined && options.stateOverride === undefined &&
    (options.encodingOverride === undefined || options.encodingOverride === 'utf-8')))) {
    const url = fastParse(input);
    if (url !== undefined) return url;
  }
  return original.basicURLParse(input, options);
}

module.exports = { ...original, basicURLParse };
