// deploy/Dockerfile checked statically (no engine here): every COPY source exists in the build
// context (the repository root), the entry points it runs exist, and everything the entry points
// import is copied into the image — a file added to deploy/ that the image lacks fails here, not
// at `docker compose up`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions with line continuations joined and comments dropped. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    pending += (pending ? ' ' : '') + line.replace(/\\$/, '').trim();
    if (line.endsWith('\\')) continue;
    const m = /^(\w+)\s+(.*)$/.exec(pending);
    if (m) out.push({ keyword: m[1]!.toUpperCase(), args: m[2]! });
    pending = '';
  }
  return out;
}

/** A JSON-form argument list (`["a", "b"]`) or whitespace-split shell form. */
function argList(args: string): string[] {
  return args.startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/);
}

/** Relative .ts/.js imports of `file`, transitively (the files a process started there loads). */
function importClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = readFileSync(file, 'utf8');
  const specifiers = [...code.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g), ...code.matchAll(/new URL\(\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  for (const spec of specifiers) {
    // A `.bundle/` file is built by the process at run time from the sources (git-ignored), so it is no source the image must copy.
    if (spec.includes('/.bundle/')) continue;
    const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
    const found = [target, resolve(dirname(file), spec)].find((p) => existsSync(p));
    if (!found) throw new Error(`${relative(root, file)} imports ${spec}, which does not exist`);
    if (/\.(ts|js)$/.test(found)) importClosure(found, seen);
  }
  return seen;
}

describe('deploy/Dockerfile', () => {
  const steps = instructions(readFileSync(join(root, 'deploy/Dockerfile'), 'utf8'));
  const stages = steps.filter((s) => s.keyword === 'FROM');
  const runtimeStart = steps.lastIndexOf(stages.at(-1)!);
  const runtime = steps.slice(runtimeStart);
  const contextCopies = steps.filter((s) => (s.keyword === 'COPY' || s.keyword === 'ADD') && !s.args.includes('--from='));

  it('builds on Node 24 bookworm in two stages and installs nft and ip where it runs', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    // FROM ${ARG}: the ARG's default (the public image) is what it builds on unless overridden.
    const argDefaults = new Map(steps.filter((s) => s.keyword === 'ARG').map((s) => s.args.split('=') as [string, string]));
    for (const s of stages) expect(s.args.replace(/^\$\{(\w+)\}/, (_, name: string) => argDefaults.get(name) ?? '')).toMatch(/^node:24-bookworm(-slim)?\b/);
    const apt = runtime.filter((s) => s.keyword === 'RUN').map((s) => s.args).join(' ');
    expect(apt).toMatch(/apt-get install[^&]*\bnftables\b/);
    expect(apt).toMatch(/apt-get install[^&]*\biproute2\b/);
    // npm ci, not npm install: the lock file decides, and npm 11 applies package.json's allowScripts.
    expect(steps.some((s) => s.keyword === 'RUN' && /\bnpm ci\b/.test(s.args))).toBe(true);
  });

  it('copies only sources that exist in the build context', () => {
    expect(contextCopies.length).toBeGreaterThan(0);
    for (const copy of contextCopies) {
      const parts = argList(copy.args).filter((a) => !a.startsWith('--'));
      for (const src of parts.slice(0, -1)) expect(existsSync(join(root, src)), `COPY ${src}: not in the repository`).toBe(true);
    }
  });

  it('runs entry points that exist, and copies every file they import', () => {
    const entry = argList(runtime.find((s) => s.keyword === 'ENTRYPOINT')!.args);
    expect(entry).toEqual(['node', '--no-node-snapshot', '--import', 'tsx']);
    const cmd = argList(runtime.find((s) => s.keyword === 'CMD')!.args);
    const entryPoints = ['deploy/controller-main.ts', 'deploy/invoker-main.ts'];
    expect(entryPoints).toContain(cmd[0]);
    const copied = contextCopies.flatMap((c) => argList(c.args).filter((a) => !a.startsWith('--')).slice(0, -1));
    const inImage = (file: string): boolean => copied.some((src) => file === src || file.startsWith(`${src.replace(/\/$/, '')}/`));
    for (const e of entryPoints) {
      expect(existsSync(join(root, e)), `${e}`).toBe(true);
      for (const file of importClosure(join(root, e))) {
        expect(inImage(relative(root, file)), `${e} loads ${relative(root, file)}, which the Dockerfile does not copy`).toBe(true);
      }
    }
    for (const needed of ['package.json', 'package-lock.json', 'tsconfig.json']) expect(inImage(needed), needed).toBe(true);
  });

  it('has a .dockerignore that keeps node_modules and run data out of the context', () => {
    const ignore = readFileSync(join(root, '.dockerignore'), 'utf8');
    expect(ignore).toMatch(/node_modules/);
    expect(ignore).toMatch(/deploy\/local\/\.run/);
  });
});
