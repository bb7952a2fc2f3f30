// What url@0.11's legacy parse/format get in qs's place (build-builtins.ts REPLACED): node:querystring,
// as Node's own url.parse(s, true) and url.format use (qs parses `a[b]=1` into nested objects, which
// Node does not), and node:url's bundle does not carry qs and its six helper packages (~60 KB).
const querystring = require('querystring');

module.exports = {
  parse: (s) => querystring.parse(s),
  stringify: (o) => querystring.stringify(o),
};
