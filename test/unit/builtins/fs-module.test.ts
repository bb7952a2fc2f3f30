// node:fs and fs/promises inside real isolates, through the REST API: the action's own files
// readable at __dirname, a writable /tmp bounded by the action's memory, and nothing of the host
// (absolute paths, `..`, a symlink in the zip) — with the errors Node reports.
import { constants as hostConstants } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildZip } from '../../harness/zip-writer.js';
import { startZipPhoton, type ZipPhoton } from '../zip/zip-fixture.js';

let photon: ZipPhoton;
beforeAll(async () => {
  photon = await startZipPhoton();
});
afterAll(async () => {
  await photon?.close();
});

const ACTION = `const fs = require('fs'); const fsp = require('node:fs/promises'); const path = require('path');
const code = (fn) => { try { fn(); return 'ok'; } catch (e) { return e.code; } };
exports.main = async () => {
  const out = {};
  out.dirname = __dirname;
  out.data = JSON.parse(fs.readFileSync(path.join(__dirname, 'data.json'), 'utf8'));
  out.relative = fs.readFileSync('lib/helper.js', 'utf8').length > 0;
  out.listing = fs.readdirSync(__dirname).sort();
  out.libIsDir = fs.statSync(__dirname + '/lib').isDirectory();
  out.types = fs.readdirSync(__dirname, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  out.root = fs.readdirSync('/').sort();
  out.outside = {
    passwd: code(() => fs.readFileSync('/etc/passwd')), dotdot: code(() => fs.readFileSync(__dirname + '/../../etc/passwd')),
    relDotdot: code(() => fs.readFileSync('../../../etc/hostname')), symlink: code(() => fs.readFileSync(__dirname + '/passwd.js')),
    exists: fs.existsSync('/etc/passwd') || fs.existsSync('/proc/self/environ'), proc: code(() => fs.readdirSync('/proc')),
    writeOwn: code(() => fs.writeFileSync(__dirname + '/data.json', '{}')), writeRoot: code(() => fs.writeFileSync('/evil', 'x')),
    rmOwn: code(() => fs.unlinkSync(__dirname + '/data.json')),
  };
  try { fs.readFileSync('/etc/passwd'); } catch (e) { out.message = e.message; out.errno = e.errno; out.syscall = e.syscall; }
  fs.mkdirSync('/tmp/a/b/c', { recursive: true });
  fs.writeFileSync('/tmp/a/b/c/f.txt', 'hello');
  fs.appendFileSync('/tmp/a/b/c/f.txt', ' world');
  fs.renameSync('/tmp/a/b/c/f.txt', '/tmp/a/g.txt');
  out.tmp = { text: fs.readFileSync('/tmp/a/g.txt', 'utf8'), size: fs.statSync('/tmp/a/g.txt').size, isFile: fs.lstatSync('/tmp/a/g.txt').isFile(), tree: fs.readdirSync('/tmp/a', { recursive: true }).sort() };
  await fsp.writeFile('/tmp/p.bin', Buffer.from([1, 2, 3]));
  out.promises = [...(await fsp.readFile('/tmp/p.bin'))];
  out.callback = await new Promise((r) => fs.readFile('/tmp/a/g.txt', 'utf8', (e, d) => r(e ? e.code : d)));
  out.missingCb = await new Promise((r) => fs.stat('/tmp/nope', (e) => r(e.code)));
  await new Promise((resolve, reject) => { const w = fs.createWriteStream('/tmp/s.txt'); w.on('error', reject); w.on('finish', resolve); for (let i = 0; i < 100; i++) w.write('line ' + i + '\\n'); w.end(); });
  out.stream = await new Promise((resolve) => { let n = 0; fs.createReadStream('/tmp/s.txt', { highWaterMark: 64 }).on('data', (d) => (n += d.length)).on('end', () => resolve(n)); });
  fs.rmSync('/tmp/a', { recursive: true });
  out.afterRm = fs.existsSync('/tmp/a');
  out.notEmpty = code(() => { fs.mkdirSync('/tmp/d'); fs.writeFileSync('/tmp/d/x', ''); fs.rmdirSync('/tmp/d'); });
  out.constants = [fs.constants.O_CREAT, fs.constants.O_TRUNC, fs.constants.S_IFDIR, fs.constants.F_OK, fs.constants.W_OK];
  return out;
};`;

describe('fs over the action files and /tmp', () => {
  it("reads the action's own files, writes /tmp, and sees nothing of the host", async () => {
    const zip = buildZip([
      { name: 'index.js', data: ACTION },
      { name: 'data.json', data: '{"answer":42}' },
      { name: 'lib/helper.js', data: 'module.exports = 1;' },
      { name: 'passwd.js', data: '/etc/passwd', mode: 0o120777 },
    ]);
    expect((await photon.put('fsx', { code: zip.toString('base64'), binary: true })).status).toBe(200);
    const r = await photon.invoke('fsx');
    expect(r.response.status, JSON.stringify(r.response).slice(0, 1500)).toBe('success');
    expect(r.response.result).toEqual({
      dirname: '/nodejsAction', data: { answer: 42 }, relative: true,
      listing: ['data.json', 'index.js', 'lib'], libIsDir: true, types: ['lib'], root: ['nodejsAction', 'tmp'],
      outside: { passwd: 'ENOENT', dotdot: 'ENOENT', relDotdot: 'ENOENT', symlink: 'ENOENT', exists: false, proc: 'ENOENT', writeOwn: 'EROFS', writeRoot: 'EACCES', rmOwn: 'EROFS' },
      message: "ENOENT: no such file or directory, open '/etc/passwd'", errno: -2, syscall: 'open',
      tmp: { text: 'hello world', size: 11, isFile: true, tree: ['b', 'b/c', 'g.txt'] },
      promises: [1, 2, 3], callback: 'hello world', missingCb: 'ENOENT', stream: 790, afterRm: false, notEmpty: 'ENOTEMPTY',
      constants: [hostConstants.O_CREAT, hostConstants.O_TRUNC, hostConstants.S_IFDIR, hostConstants.F_OK, hostConstants.W_OK],
    });
  });

  it('a single-file action sees its (empty) root and /tmp', async () => {
    expect((await photon.put('fs1', { code: "const fs = require('fs'); function main() { fs.writeFileSync('/tmp/x', 'y'); return { root: fs.readdirSync('/').sort(), own: fs.readdirSync('/nodejsAction'), x: fs.readFileSync('/tmp/x', 'utf8') } }" })).status).toBe(200);
    const r = await photon.invoke('fs1');
    expect(r.response.result).toEqual({ root: ['nodejsAction', 'tmp'], own: [], x: 'y' });
  });
});

describe('/tmp is bounded by the action memory', () => {
  it('filling /tmp fails with ENOSPC (the action error), and another tenant runs meanwhile, unaffected', async () => {
    const filler = `const fs = require('fs');
      function main(p) {
        const mb = Buffer.alloc(1024 * 1024, 1);
        let written = 0;
        try { for (;;) { fs.appendFileSync('/tmp/fill', mb); written++; } }
        catch (e) { if (p.rethrow) throw e; return { code: e.code, written }; }
      }`;
    expect((await photon.put('filler', { code: filler }, { limits: { memory: 128, timeout: 30_000 } })).status).toBe(200);
    expect((await photon.put('bystander', { code: "const fs = require('fs'); function main() { fs.writeFileSync('/tmp/mine', 'ok'); return { mine: fs.readFileSync('/tmp/mine', 'utf8'), seen: fs.readdirSync('/tmp') } }" })).status).toBe(200);
    const [full, other] = await Promise.all([photon.invoke('filler'), photon.invoke('bystander')]);
    // Half of the 128 MB the action has: ENOSPC before V8's heap limit.
    expect(full.response.result).toEqual({ code: 'ENOSPC', written: 64 });
    expect(other.response.result).toEqual({ mine: 'ok', seen: ['mine'] });
    const thrown = await photon.invoke('filler', { rethrow: true });
    // Thrown synchronously from main: OpenWhisk's developer error, with Node's message.
    expect(thrown.response.status).toBe('action developer error');
    expect(JSON.stringify(thrown.response.result)).toContain("ENOSPC: no space left on device, write '/tmp/fill'");
  });
});
