// The compatibility corpus: popular npm packages used as actions use them. Each case is the body
// of a function of (require) returning JSON; the test runs it in real Node over the same
// node_modules (the known answer) and in photon through the REST API. Versions are pinned.
// Every case must pass. axios and node-fetch run here without the network; their requests through
// node:http are tested in network-modules.test.ts.
export interface CorpusCase {
  pkg: string;
  version: string;
  code: string;
}

export const CORPUS: CorpusCase[] = [
  { pkg: 'dayjs', version: '1.11.13', code: `const d = require('dayjs'); d.extend(require('dayjs/plugin/utc')); return { f: d.utc('2024-02-29T10:00:00Z').add(1, 'month').format('YYYY-MM-DD HH:mm') };` },
  { pkg: 'date-fns', version: '3.6.0', code: `const { format, addDays, differenceInDays, parseISO } = require('date-fns'); const d = parseISO('2024-01-30'); return { f: format(addDays(d, 3), 'yyyy-MM-dd'), diff: differenceInDays(parseISO('2024-03-01'), d) };` },
  { pkg: 'moment', version: '2.30.1', code: `const m = require('moment'); return { f: m.utc('2024-02-29').add(1, 'year').format('dddd, MMMM Do YYYY'), iso: m.utc(0).toISOString() };` },
  { pkg: 'luxon', version: '3.5.0', code: `const { DateTime, Duration } = require('luxon'); return { f: DateTime.fromISO('2024-05-01T12:00:00Z', { zone: 'utc' }).plus({ days: 40 }).toISODate(), d: Duration.fromObject({ minutes: 135 }).toFormat('hh:mm') };` },
  { pkg: 'validator', version: '13.12.0', code: `const v = require('validator'); return { email: v.isEmail('a@b.co'), ip: v.isIP('10.0.0.1'), uuid: v.isUUID('nope'), esc: v.escape('<a href="x">') };` },
  { pkg: 'zod', version: '3.23.8', code: `const { z } = require('zod'); const S = z.object({ n: z.number().int().positive(), tags: z.array(z.string()).max(2) }); const bad = S.safeParse({ n: -1, tags: ['a', 'b', 'c'] }); return { ok: S.parse({ n: 3, tags: ['x'] }), issues: bad.error.issues.map((i) => [i.path.join('.'), i.code]) };` },
  { pkg: 'joi', version: '17.13.3', code: `const Joi = require('joi'); const s = Joi.object({ name: Joi.string().min(3).required(), age: Joi.number().max(150) }); const r = s.validate({ name: 'Al', age: 200 }, { abortEarly: false }); return { details: r.error.details.map((d) => d.message), ok: s.validate({ name: 'Ada' }).error === undefined };` },
  { pkg: 'yup', version: '1.4.0', code: `const yup = require('yup'); const s = yup.object({ email: yup.string().email().required(), n: yup.number().min(5) }); const errs = await s.validate({ email: 'x', n: 1 }, { abortEarly: false }).catch((e) => e.errors); return { errs, cast: s.cast({ email: 'a@b.c', n: '7' }) };` },
  { pkg: 'ajv', version: '8.17.1', code: `const Ajv = require('ajv'); const ajv = new Ajv({ allErrors: true }); const v = ajv.compile({ type: 'object', properties: { a: { type: 'integer' }, b: { type: 'string', pattern: '^[a-z]+$', maxLength: 3 } }, required: ['a'] }); const r1 = v({ a: 1 }); const r2 = v({ a: 'x', b: 'long' }); return { r1, r2, errors: v.errors.map((e) => e.instancePath + ' ' + e.message) };` },
  { pkg: 'lodash', version: '4.17.21', code: `const _ = require('lodash'); return { g: _.groupBy([1.2, 1.8, 2.1], Math.floor), t: _.template('hi <%= user %>!')({ user: 'ada' }), d: _.debounce(() => {}, 10).cancel === undefined, m: _.merge({ a: [1] }, { a: [undefined, 2] }), k: _.kebabCase('Foo Bar') };` },
  { pkg: 'underscore', version: '1.13.7', code: `const _ = require('underscore'); return { c: _.chain([3, 1, 2]).sortBy().map((x) => x * 2).value(), u: _.uniq([1, 1, 2]), t: _.template('<%- x %>')({ x: '<b>' }) };` },
  { pkg: 'ramda', version: '0.30.1', code: `const R = require('ramda'); return { p: R.pipe(R.map(R.inc), R.filter((x) => x % 2 === 0), R.sum)([1, 2, 3, 4]), l: R.view(R.lensPath(['a', 'b']), { a: { b: 7 } }) };` },
  { pkg: 'semver', version: '7.6.3', code: `const s = require('semver'); return { sat: s.satisfies('1.2.3', '^1.0.0'), max: s.maxSatisfying(['1.0.0', '1.5.0', '2.0.0'], '~1.4 || ^1.5'), inc: s.inc('1.2.3', 'prerelease', 'beta'), cmp: s.compare('1.0.0-rc.1', '1.0.0') };` },
  { pkg: 'qs', version: '6.13.0', code: `const qs = require('qs'); return { p: qs.parse('a[b][c]=d&e[]=1&e[]=2&f=%20x'), s: qs.stringify({ a: { b: [1, 2] }, c: 'd e' }, { encodeValuesOnly: true }) };` },
  { pkg: 'mustache', version: '4.2.0', code: `const M = require('mustache'); return { r: M.render('{{#items}}<{{name}}>{{/items}} {{&raw}} {{esc}}', { items: [{ name: 'a' }, { name: 'b' }], raw: '<i>', esc: '<i>' }) };` },
  { pkg: 'handlebars', version: '4.7.8', code: `const H = require('handlebars'); H.registerHelper('up', (s) => s.toUpperCase()); return { r: H.compile('{{#each xs}}{{up this}},{{/each}} {{x.y}}')({ xs: ['a', 'b'], x: { y: '<&>' } }) };` },
  { pkg: 'ejs', version: '3.1.10', code: `const ejs = require('ejs'); return { r: ejs.render('<% for (const x of xs) { %><li><%= x %></li><% } %>', { xs: ['a', '<b>'] }) };` },
  { pkg: 'marked', version: '12.0.2', code: `const { marked } = require('marked'); return { h: marked.parse('# Hi\\n\\n*a* **b** [l](http://x.org)\\n\\n- one\\n- two\\n') };` },
  { pkg: 'fast-xml-parser', version: '4.4.1', code: `const { XMLParser, XMLBuilder } = require('fast-xml-parser'); const o = new XMLParser({ ignoreAttributes: false }).parse('<r a="1"><i>x</i><i>y</i></r>'); return { o, x: new XMLBuilder({ ignoreAttributes: false }).build(o) };` },
  { pkg: 'xml2js', version: '0.6.2', code: `const xml2js = require('xml2js'); const o = await xml2js.parseStringPromise('<root><a id="1">t</a><a id="2"/></root>'); return { o, b: new xml2js.Builder({ headless: true }).buildObject({ x: { y: 'z' } }) };` },
  { pkg: 'papaparse', version: '5.4.1', code: `const P = require('papaparse'); const r = P.parse('a,b\\n1,"x,y"\\n2,z', { header: true, dynamicTyping: true }); return { data: r.data, csv: P.unparse([{ q: 'a"b', n: 1 }]) };` },
  { pkg: 'csv-parse', version: '5.5.6', code: `const { parse } = require('csv-parse/sync'); const { parse: parseAsync } = require('csv-parse'); const rows = await new Promise((res, rej) => parseAsync('x;y\\n1;2', { delimiter: ';', columns: true }, (e, r) => (e ? rej(e) : res(r)))); return { sync: parse('a,b\\n1,2\\n', { columns: true, cast: true }), rows };` },
  { pkg: 'js-yaml', version: '4.1.0', code: `const y = require('js-yaml'); const o = y.load('a: 1\\nb: [x, y]\\nc: {d: true}\\n'); return { o, s: y.dump({ k: ['v', { n: null }] }) };` },
  { pkg: 'yaml', version: '2.5.0', code: `const YAML = require('yaml'); return { o: YAML.parse('- a\\n- b: 1\\n  c: !!str 2\\n'), s: YAML.stringify({ a: [1, 'two'], b: { c: null } }) };` },
  { pkg: 'iconv-lite', version: '0.6.3', code: `const iconv = require('iconv-lite'); const b = iconv.encode('Grüße €', 'win1252'); return { hex: b.toString('hex'), back: iconv.decode(b, 'win1252'), sjis: iconv.decode(Buffer.from([0x82, 0xa0]), 'shift_jis'), utf16: iconv.encode('hi', 'utf16le').toString('base64') };` },
  { pkg: 'crypto-js', version: '4.2.0', code: `const C = require('crypto-js'); return { sha256: C.SHA256('abc').toString(), hmac: C.HmacSHA1('msg', 'key').toString(C.enc.Base64), md5: C.MD5('x').toString() };` },
  { pkg: 'bcryptjs', version: '2.4.3', code: `const b = require('bcryptjs'); const h = b.hashSync('secret', '$2a$04$abcdefghijklmnopqrstuu'); return { h, ok: b.compareSync('secret', h), no: b.compareSync('other', h) };` },
  { pkg: 'md5', version: '2.3.0', code: `const md5 = require('md5'); return { a: md5('message'), b: md5(Buffer.from('bytes')) };` },
  { pkg: 'async', version: '3.2.6', code: `const async = require('async'); const r = await async.mapLimit([3, 1, 2], 2, async (x) => { await new Promise((res) => setTimeout(res, x)); return x * 10; }); const s = await new Promise((res) => async.series([(cb) => setImmediate(() => cb(null, 'a')), (cb) => process.nextTick(() => cb(null, 'b'))], (e, v) => res(v))); return { r, s };` },
  { pkg: 'ms', version: '2.1.3', code: `const ms = require('ms'); return { a: ms('2 days'), b: ms(90000), c: ms(1500, { long: true }) };` },
  { pkg: 'cookie', version: '0.6.0', code: `const c = require('cookie'); return { p: c.parse('a=1; b=x%20y'), s: c.serialize('n', 'v w', { httpOnly: true, maxAge: 60, path: '/' }) };` },
  { pkg: 'he', version: '1.2.0', code: `const he = require('he'); return { e: he.encode('föo © <bar>'), d: he.decode('&lt;&#x1D306;&copy;&amp;') };` },
  { pkg: 'slugify', version: '1.6.6', code: `const s = require('slugify'); return { a: s('Hello, Wörld & Friends!', { lower: true, strict: true }), b: s('ça va?') };` },
  { pkg: 'mime-types', version: '2.1.35', code: `const m = require('mime-types'); return { a: m.lookup('file.json'), b: m.contentType('html'), c: m.extension('image/svg+xml') };` },
  { pkg: 'bignumber.js', version: '9.1.2', code: `const B = require('bignumber.js'); return { a: new B('0.1').plus('0.2').toString(), b: new B(2).pow(100).toFixed(), c: new B(1).div(3).toFixed(10) };` },
  { pkg: 'chalk', version: '4.1.2', code: `const chalk = require('chalk'); return { level: chalk.level, s: chalk.red.bold('x') };` },
  { pkg: 'uuid', version: '10.0.0', code: `const { v4, v5, validate, version } = require('uuid'); const id = v4(); return { ok: validate(id) && version(id) === 4, v5: v5('hello', v5.DNS) };` },
  { pkg: 'nanoid', version: '3.3.7', code: `const { nanoid, customAlphabet } = require('nanoid'); return { len: nanoid().length, custom: /^[ab]{8}$/.test(customAlphabet('ab', 8)()) };` },
  { pkg: 'jsonwebtoken', version: '9.0.2', code: `const jwt = require('jsonwebtoken'); const t = jwt.sign({ sub: 'u1', iat: 1700000000 }, 'secret', { algorithm: 'HS256' }); return { t, v: jwt.verify(t, 'secret').sub };` },
  { pkg: 'axios', version: '1.7.7', code: `const axios = require('axios'); return { type: typeof axios.get, u: axios.getUri({ url: '/x', params: { a: 1 }, baseURL: 'http://h' }) };` },
  { pkg: 'node-fetch', version: '2.7.0', code: `const fetch = require('node-fetch'); const r = new fetch.Response('{"a":1}'); return { j: await r.json(), h: new fetch.Headers({ A: 'b' }).get('a') };` },
];
