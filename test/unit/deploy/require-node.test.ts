// The entry points' Node check: Node 24 passes, any other line is refused with the command that
// installs photon's own Node; and each entry point imports the check before anything else.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REQUIRED_NODE_MAJOR, wrongNode } from '../../../deploy/require-node.js';

const root = resolve(import.meta.dirname, '../../..');

describe('deploy/require-node', () => {
  it('accepts the Node these tests run on, which is photon Node', () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(REQUIRED_NODE_MAJOR);
    expect(wrongNode(process.version)).toBeUndefined();
  });

  it('refuses other lines and says how to get the right one', () => {
    for (const v of ['v20.20.2', 'v18.19.0', 'v22.1.0', 'v26.0.0', 'garbage']) {
      expect(wrongNode(v)).toMatch(/runs on Node\.js 24 LTS.*\. deploy\/local\/node-env\.sh/);
    }
  });

  it('is the first import of every entry point', () => {
    for (const entry of ['standalone.ts', 'controller-main.ts', 'invoker-main.ts']) {
      const firstImport = /^import .*$/m.exec(readFileSync(resolve(root, 'deploy', entry), 'utf8'))?.[0];
      expect(firstImport, entry).toBe("import './require-node.js';");
    }
  });
});
