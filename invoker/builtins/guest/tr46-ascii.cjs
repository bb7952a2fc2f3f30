// tr46 (UTS #46, the IDNA mapping whatwg-url's host parser calls for every special URL's host)
// without its Unicode tables for ASCII hosts: build-builtins.ts bundles this in tr46's place. The
// real tr46 (an 8,000-entry mapping table and large Unicode regexes: ~1 MB of heap, 220 KB of
// source and most of node:url's load time) is the layer's `internal/tr46` (a bundle of its own, so
// that node:url's source does not carry it), loaded for the first host that needs it. For a host of ASCII only with
// no punycode label (`xn--`), UTS #46 under whatwg-url's non-strict options (no STD3 rules, no
// hyphen or DNS length checks, non-transitional) maps upper case to lower case and changes
// nothing else (the Bidi rule concerns only labels with right-to-left characters, the joiner rule
// only U+200C/U+200D), so the answer is the lower-cased host; test/unit/builtins/url-hosts.test.ts
// compares this with tr46 itself over every ASCII character and random hosts.
'use strict';
let real;
const tr46 = () => real || (real = require('internal/tr46'));
const ASCII = /^[\x00-\x7f]*$/;
const PUNYCODE_LABEL = /(^|\.)xn--/i;

function simple(domain, o) {
  return typeof domain === 'string' && o !== null && typeof o === 'object' && !o.useSTD3ASCIIRules && !o.checkHyphens && !o.verifyDNSLength &&
    !o.transitionalProcessing && ASCII.test(domain) && !PUNYCODE_LABEL.test(domain);
}

module.exports = {
  toASCII(domain, options) { return simple(domain, options) ? domain.toLowerCase() : tr46().toASCII(domain, options); },
  toUnicode(domain, options) { return tr46().toUnicode(domain, options); },
};
