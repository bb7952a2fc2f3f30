// What a bundled npm package (OpenWhisk's image's /node_modules: invoker/builtins/bundled-packages.ts)
// costs a cold start: the init time of a single-file action that requires it at load, beside hello
// world in the same run (interleaved; a new action, so a new isolate, per sample), and beside Node 24
// itself requiring the same package in a fresh process (the anchor: OpenWhisk's image pays Node's
// require at every container's /init). Real controller and invoker in-process, isolation off.
// Run: node --no-node-snapshot --import tsx bench/bundled-packages.ts [samples] (under the e2e lock).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startZipPhoton } from '../test/unit/zip/zip-fixture.js';

const SAMPLES = Number(process.argv[2] ?? 20);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VARIANTS: Record<string, string> = {
  hello: 'function main() { return {} }',
  uuid: "const { v4 } = require('uuid'); function main() { return { id: v4() } }",
  openwhisk: "const openwhisk = require('openwhisk'); function main() { return {} }",
  express: "const express = require('express'); function main() { return {} }",
};

const p = (a: number[], q: number): number => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * q))]!;

/** Node's own require of the package (installed under its ow-runtime-* alias), ms, in a fresh process. */
function nodeRequireMs(name: string): number {
  const out = execFileSync(process.execPath, ['-e', `const t = performance.now(); require('ow-runtime-${name}'); console.log(performance.now() - t)`], { cwd: ROOT, encoding: 'utf8' });
  return Number(out.trim());
}

const photon = await startZipPhoton();
const samples: Record<string, number[]> = Object.fromEntries(Object.keys(VARIANTS).map((k) => [k, []]));
let n = 0;
for (let i = 0; i < SAMPLES; i++) {
  for (const [k, code] of Object.entries(VARIANTS)) {
    const name = `bundled${n++}`;
    await photon.put(name, { code });
    const r = await photon.invoke(name);
    if (r.response.status !== 'success') throw new Error(`${k}: ${JSON.stringify(r.response)}`);
    const init = (r.annotations as { key: string; value: unknown }[]).find((a) => a.key === 'initTime')?.value;
    samples[k]!.push(Number(init));
  }
}
await photon.close();
console.log(`cold start init time of a single-file action requiring a bundled package at load (${SAMPLES} samples each, interleaved):`);
for (const [k, a] of Object.entries(samples)) {
  const anchor = k === 'hello' ? '' : `   | Node 24 require in a fresh process: ${Array.from({ length: 5 }, () => nodeRequireMs(k)).sort((x, y) => x - y)[2]!.toFixed(1)} ms (median of 5)`;
  console.log(`  ${k.padEnd(10)} p50 ${p(a, 0.5).toFixed(1)} ms  p90 ${p(a, 0.9).toFixed(1)} ms${anchor}`);
}
process.exit(0);
