// Child process of microtask-flood.test.ts: photon in this process (zip-fixture.ts), one archive
// action that floods the microtask queue and then loads another file of its archive, and a second
// action invoked while the first one floods. Prints one JSON line with both records and exits 0.
// If guest code ever runs on the invoker's thread, this process hangs (the flood holds the event
// loop, so no timer fires) or V8 aborts it; the parent test sees either.
import { zipOf } from '../../harness/zip-writer.js';
import { startZipPhoton } from './zip-fixture.js';

const FLOOD = 'const f = () => Promise.resolve().then(f); f();';
const variants: Record<string, Record<string, string>> = {
  // CommonJS: the flood, then the first require of another file of the archive.
  cjs: { 'index.js': `${FLOOD}\nconst late = require('./late.js');\nexports.main = () => ({ late });`, 'late.js': 'module.exports = 1;' },
  // Inside main: the same, at activation time instead of load time (the module is loaded lazily).
  run: { 'index.js': `exports.main = () => { ${FLOOD} return { late: require('./late.js') }; };`, 'late.js': 'module.exports = 1;' },
  // ES module entry: flood.mjs is evaluated first, then late.cjs (a CommonJS file imported from an ES module).
  esm: {
    'package.json': '{"main":"index.mjs"}',
    'index.mjs': "import './flood.mjs';\nimport late from './late.cjs';\nexport function main() { return { late }; }",
    'flood.mjs': FLOOD,
    'late.cjs': 'module.exports = 1;',
  },
};

const variant = process.argv[2] ?? 'cjs';
const files = variants[variant];
if (!files) throw new Error(`unknown variant ${variant}`);
const photon = await startZipPhoton();
try {
  const put = await photon.put('flood', { code: zipOf(files).toString('base64') }, { limits: { timeout: 1500 } });
  if (put.status !== 200) throw new Error(`put flood: ${JSON.stringify(put.body)}`);
  const okPut = await photon.put('ok', { code: 'function main(p) { return { ok: p.n } }' });
  if (okPut.status !== 200) throw new Error(`put ok: ${JSON.stringify(okPut.body)}`);
  const flood = photon.invoke('flood');
  // While the flood runs, another activation must complete on the same invoker.
  await new Promise((r) => setTimeout(r, 300));
  const ok = await photon.invoke('ok', { n: 7 });
  const flooded = await flood;
  const pick = (r: { response?: { status?: string; result?: unknown } }): unknown => ({ status: r.response?.status, result: r.response?.result });
  process.stdout.write(JSON.stringify({ flood: pick(flooded), ok: pick(ok) }) + '\n');
} finally {
  await photon.close();
}
