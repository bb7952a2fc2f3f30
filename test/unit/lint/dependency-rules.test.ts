// The dependency rules of ARCHITECTURE.md must fail lint when broken: this builds a throwaway
// tree with forbidden imports and runs the project's own dependency-cruiser config on it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const work = mkdtempSync(join(tmpdir(), 'photon-deprules-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cruise(files: Record<string, string>): string {
  const dir = mkdtempSync(join(work, 'case-'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
  for (const folder of ['controller', 'invoker', 'shared', 'native']) mkdirSync(join(dir, folder));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  try {
    execFileSync(join(root, 'node_modules/.bin/depcruise'), ['--config', join(root, '.dependency-cruiser.cjs'), '--output-type', 'err', 'controller', 'invoker', 'shared', 'native'], { cwd: dir, encoding: 'utf8' });
    return '';
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}` || String(err);
  }
}

describe('dependency rules', () => {
  it('rejects controller/ importing invoker/', () => {
    const out = cruise({ 'controller/a.ts': "import { x } from '../invoker/b.js';\nexport const y = x;\n", 'invoker/b.ts': 'export const x = 1;\n' });
    expect(out).toContain('controller-not-invoker');
  });

  it('rejects kafkajs, ioredis and koffi outside their homes, and native/ outside invoker/', () => {
    const out = cruise({
      'controller/a.ts': "import { Kafka } from 'kafkajs';\nimport { Redis } from 'ioredis';\nimport { n } from '../native/n.js';\nexport const y = [Kafka, Redis, n];\n",
      'invoker/b.ts': "import koffi from 'koffi';\nexport const k = koffi;\n",
      'native/n.ts': 'export const n = 1;\n',
    });
    expect(out).toContain('kafkajs-home');
    expect(out).toContain('ioredis-home');
    expect(out).toContain('only-invoker-imports-native');
    expect(out).toContain('koffi-home');
  });

  it('rejects bullmq outside controller/alarms/bullmq-*', () => {
    const out = cruise({
      'controller/a.ts': "import { Queue } from 'bullmq';\nexport const q = Queue;\n",
      'controller/alarms/bullmq-ok.ts': "import { Worker } from 'bullmq';\nexport const w = Worker;\n",
    });
    expect(out).toContain('bullmq-home');
    expect(out).toContain('controller/a.ts');
    expect(out).not.toContain('bullmq-ok.ts');
  });

  it('accepts the allowed shapes', () => {
    const out = cruise({
      'shared/bus/kafka-bus.ts': "import { Kafka } from 'kafkajs';\nexport const k = Kafka;\n",
      'invoker/c.ts': "import { n } from '../native/index.js';\nimport { k } from '../shared/bus/kafka-bus.js';\nexport const y = [n, k];\n",
      'native/index.ts': "export { n } from './n.js';\n",
      'native/n.ts': "import koffi from 'koffi';\nexport const n = koffi;\n",
    });
    expect(out).toBe('');
  });

  it('rejects invoker/ reaching past native/index.ts', () => {
    const out = cruise({
      'invoker/c.ts': "import { n } from '../native/n.js';\nexport const y = n;\n",
      'native/index.ts': "export { n } from './n.js';\n",
      'native/n.ts': 'export const n = 1;\n',
    });
    expect(out).toContain('invoker-uses-native-index');
  });
});
