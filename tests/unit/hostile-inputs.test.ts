/**
 * Small hostile files that once killed the process (V8 fatal error) or froze the bridge: the
 * shared-strings bomb (6.5 MB → 2.2 GB), the same lying about its size, two million shared strings,
 * one long shared string named by every cell (the process was killed for memory, 24 GB here), a
 * value in column XFD of every row (4.4 minutes), one cell of 60 M characters (1.7 GB, then an
 * internal error), a CSV of 300 MB without a line break (273 s, 2.6 GB, then an internal error),
 * a package whose persons.csv is six million tiny lines, and an envelope asking for scrypt
 * N=2²⁰ r=2 p=16. Each is refused with a Chinese message in bounded time and memory through the
 * CLI (a real process, measured with /usr/bin/time) and through the bridge (a real server process
 * that keeps answering meanwhile), and the database is byte-for-byte unchanged.
 *
 * HEADCOUNT_SHOW_FIGURES=1 prints each refusal's time and peak memory.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENVELOPE } from '../../shared/package';
import { runCli, sha256File } from '../fixtures/cli';
import { removeDir, tempDir } from '../fixtures/core';
import { longCell, repeatedStringBomb, sharedStringsBomb, sparseSheet, unbrokenCsv } from '../fixtures/hostile-files';
import { countyCensus, exportTo, HEFEI, repack, YAOHAI } from '../fixtures/packages';
import { writeXlsx } from '../fixtures/township-returns';
import { readWorkbook } from '../../electron/core/services/io/xlsx';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const show = process.env.HEADCOUNT_SHOW_FIGURES === '1';

/** Generous guards against a hang or a blow-up, not speed goals (those are in bench/). */
const TIME_LIMIT_S = 45;
const RSS_LIMIT_MB = 1600;

let dir: string;
let county: string;
let city: string;
const files: Record<string, string> = {};

beforeAll(async () => {
  dir = tempDir('headcount-hostile-inputs-');
  county = path.join(dir, 'county.sqlite');
  expect((await runCli('init', '--db', county, '--area', '110101', '--level', 'county', '--ref-date', '2026-12-31')).code).toBe(0);
  const base = readFileSync(await writeXlsx(path.join(dir, 'base.xlsx'), [{ name: '人员信息', rows: [['姓名', '证件号码'], ['张三', '110105194912310021']] }]));
  const save = (name: string, data: Buffer) => {
    files[name] = path.join(dir, name);
    writeFileSync(files[name]!, data);
  };
  // 56 M copies of <si><t>社会工作专业人才</t></si>: 2.24 GB inflated, declared honestly.
  save('bomb.xlsx', (await sharedStringsBomb(base, { strings: 56_000_000 })).data);
  // 100 MB inflated, declared as 8 MB: caught while inflating.
  save('lying-bomb.xlsx', (await sharedStringsBomb(base, { strings: 2_600_000, declare: 8 * 1024 * 1024 })).data);
  // 2,000,001 one-letter strings: 34 MB, under the size cap, over the count.
  save('many-strings.xlsx', (await sharedStringsBomb(base, { strings: 2_000_001, text: 'x' })).data);
  // One 1 M-character string (under the 4 MB run limit) named by 6,000 cells: ~20 KB of file, ~6 G characters of text if copied per cell
  // (copies that no heap limit saw: they were made posting rows between threads).
  save('repeated-string.xlsx', await repeatedStringBomb(base, { length: 1024 * 1024, rows: 3000 }));
  // 200,000 rows with one value in column XFD: ~1 MB of file, 3.3 billion cells once rows are arrays (4.4 minutes).
  save('far-column.xlsx', await sparseSheet(base, { rows: 200_000, columns: ['XFD'] }));
  // One cell of 6 M characters (18 MB of XML in ~50 KB of file): 60 M took 1.7 GB and ended in an internal error.
  save('long-cell.xlsx', await longCell(base, 6_000_000));
  // 12 MB with no line break, and a quote opened before 12 MB that never closes: papaparse re-read the
  // unfinished line with every slice (300 MB: 273 s, 2.6 GB, then an internal error).
  save('one-line.csv', unbrokenCsv(12 * 1024 * 1024));
  save('open-quote.csv', unbrokenCsv(12 * 1024 * 1024, true));

  const c = await countyCensus(YAOHAI, 20, 5);
  const valid = (await exportTo(c, 'valid.hcpkg')).data;
  c.close();
  city = path.join(dir, 'city.sqlite');
  expect((await runCli('init', '--db', city, '--area', HEFEI, '--level', 'city', '--ref-date', '2026-12-31', '--name', '合肥市民政局')).code).toBe(0);
  // 6 M tiny random lines (24 MB, compressing only about 3:1, so no ratio check catches them), the
  // hash, size and row count declared to match: self-consistent and signed.
  const lines = 6_000_000;
  const tiny = tinyLines(lines);
  const withTiny = (entries: Map<string, Buffer>) => {
    const head = entries.get('persons.csv')!.subarray(0, entries.get('persons.csv')!.indexOf(0x0a) + 1);
    entries.set('persons.csv', Buffer.concat([head, tiny]));
  };
  save('tiny-lines.hcpkg', await repack(valid, (entries, manifest) => {
    withTiny(entries);
    manifest.resources.find((r) => r.path === 'persons.csv')!.rows = lines;
  }));
  save('tiny-lines-small-count.hcpkg', await repack(valid, withTiny));
  save('costly-scrypt.hcpkg', costlyEnvelope());
}, 180_000);
afterAll(() => removeDir(dir));

/** `n` lines of two random letters each, CRLF-terminated */
function tinyLines(n: number): Buffer {
  const out = Buffer.alloc(n * 4);
  let x = 12345;
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i * 4] = letters.charCodeAt((x >>> 8) % 36);
    out[i * 4 + 1] = letters.charCodeAt((x >>> 16) % 36);
    out[i * 4 + 2] = 0x0d;
    out[i * 4 + 3] = 0x0a;
  }
  return out;
}

/** A 1 KB envelope whose header asks for scrypt N=2²⁰, r=2, p=16 (128× the default's work). */
function costlyEnvelope(): Buffer {
  const header = JSON.stringify({
    format: 'headcount-encrypted', version: 1,
    kdf: { name: 'scrypt', N: 1 << 20, r: 2, p: 16, salt: Buffer.alloc(16, 7).toString('base64') },
    cipher: { name: 'aes-256-gcm', iv: Buffer.alloc(12, 9).toString('base64') },
  });
  const len = Buffer.alloc(4);
  len.writeUInt32BE(Buffer.byteLength(header));
  return Buffer.concat([Buffer.from(ENVELOPE.magic, 'ascii'), len, Buffer.from(header), Buffer.alloc(1000, 1), Buffer.alloc(16, 2)]);
}

interface Measured { code: number; out: string; err: string; seconds: number; peakMb: number }

/** The real `headcount` command in its own process, timed by /usr/bin/time. */
function cli(...argv: string[]): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '@@%e %M', process.execPath, path.join(repoRoot, 'bin', 'headcount.mjs'), ...argv], { cwd: repoRoot });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const m = /@@([\d.]+) (\d+)\s*$/.exec(err);
      resolve({ code: code ?? -1, out, err: err.replace(/@@.*\s*$/, ''), seconds: Number(m?.[1]), peakMb: Math.round(Number(m?.[2]) / 1024) });
    });
  });
}

function report(what: string, m: { seconds: number; peakMb: number }) {
  if (show) console.log(`REFUSAL ${what}: ${m.seconds.toFixed(2)} s, peak ${m.peakMb} MB`);
  expect(m.seconds).toBeLessThan(TIME_LIMIT_S);
  expect(m.peakMb).toBeLessThan(RSS_LIMIT_MB);
}

describe('the limits leave honest files alone', () => {
  it('reads a sparse sheet in full: 160,000 rows with values only in columns A and AX, 50 cells wide each', async () => {
    // More cells than a limit of 4 M plus one per 4 bytes of XML would allow (an earlier draft of the limit).
    const base = readFileSync(await writeXlsx(path.join(dir, 'sparse-base.xlsx'), [{ name: '人员信息', rows: [['姓名', '证件号码'], ['张三', '110105194912310021']] }]));
    const data = await sparseSheet(base, { rows: 160_000, columns: ['A', 'AX'] });
    let rows = 0;
    let cells = 0;
    for await (const ws of readWorkbook(data)) for await (const r of ws.rows) {
      rows++;
      cells += r.cells.length;
    }
    expect(rows).toBe(160_001);
    expect(cells).toBe(2 + 160_000 * 50);
  }, 60_000);
});

describe('through the CLI', () => {
  it.each([
    ['bomb.xlsx', /sharedStrings\.xml.*解压后有 2136 MB，超过上限/],
    ['lying-bomb.xlsx', /解压后比声明的大（疑似压缩炸弹）/],
    ['many-strings.xlsx', /共享文本超过 2,000,000 条/],
    ['repeated-string.xlsx', /反复引用的共享文本合计超过 \d+ MB，远大于工作表本身/],
    ['far-column.xlsx', /第 \d+ 行一直到第 XFD 列才有内容.*请在 Excel 中删除数据右边多余的列/],
    ['long-cell.xlsx', /有一个单元格的内容（或一段连续内容）超过 4 MB，远超 Excel 单元格 32,767 个字符的上限/],
    ['one-line.csv', /从第 2 行起超过 8 MB 的内容里没有一个完整的行/],
    ['open-quote.csv', /从第 2 行起超过 8 MB 的内容里没有一个完整的行.*引号/],
  ])('refuses %s with exit 2, a plain message, bounded time and memory, the database unchanged', async (name, message) => {
    const before = sha256File(county);
    const r = await cli('import', '--db', county, files[name]!);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(sha256File(county)).toBe(before);
    report(`CLI import ${name}`, r);
  }, 90_000);

  it.each([
    ['tiny-lines.hcpkg', /超过上限 5000000 行/],
    ['tiny-lines-small-count.hcpkg', /persons\.csv」第 \d+ 行有 1 列|persons\.csv」有 \d+ 行数据/],
    ['costly-scrypt.hcpkg', /解密计算量异常大/],
  ])('refuses %s with exit 1, a plain message, bounded time and memory, the database unchanged', async (name, message) => {
    const before = sha256File(city);
    const r = await cli('merge', '--db', city, files[name]!, '--trust-new-keys', '--passphrase-file', passphraseFile(), '--json');
    expect(r.code).toBe(1);
    const [res] = JSON.parse(r.out) as { status: string; message: string }[];
    expect(res!.status).toBe('refused');
    expect(res!.message).toMatch(message);
    expect(sha256File(city)).toBe(before);
    report(`CLI merge ${name}`, r);
  }, 90_000);
});

function passphraseFile(): string {
  const f = path.join(dir, 'pass.txt');
  writeFileSync(f, '一个口令\n');
  return f;
}

// ---------------------------------------------------------------------------------------------
// The bridge: a real server process; a cheap call keeps being answered while the bad file is read.

interface Server { port: number; token: string; pid: number; stop(): Promise<void> }

function startServer(dataDir: string): Promise<Server> {
  const staticDir = path.join(dataDir, 'static');
  mkdirSync(staticDir, { recursive: true });
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/bridge/serve.ts'], {
    cwd: repoRoot,
    env: { ...process.env, HEADCOUNT_DATA_DIR: dataDir, HEADCOUNT_PORT: '0', HEADCOUNT_STATIC_DIR: staticDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${buf}`)), 60_000);
    child.stdout.on('data', (b: Buffer) => {
      buf += b.toString();
      const m = /HEADCOUNT_URL=http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+)/.exec(buf);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        port: Number(m[1]), token: m[2]!, pid: child.pid!,
        async stop() {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

function call(s: Server, method: string, payload: unknown): Promise<{ ok: boolean; result?: unknown; error?: { code: string; message: string } }> {
  const body = JSON.stringify({ method, payload });
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port: s.port, method: 'POST', path: '/api/call',
      headers: { host: `127.0.0.1:${s.port}`, 'content-type': 'application/json', authorization: `Bearer ${s.token}`, 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Peak resident memory of the server process so far (threads included), from the kernel. */
function peakMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(m?.[1]) / 1024);
}

/** Runs `work` while app.info is asked every 100 ms; returns its reply and the slowest app.info. */
async function whileAnswering<T>(s: Server, work: Promise<T>): Promise<{ reply: T; slowestMs: number; seconds: number }> {
  const t0 = Date.now();
  let slowest = 0;
  let done = false;
  const probe = (async () => {
    while (!done) {
      const a = Date.now();
      const r = await call(s, 'app.info', {});
      expect(r.ok).toBe(true);
      slowest = Math.max(slowest, Date.now() - a);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const reply = await work;
  done = true;
  await probe;
  return { reply, slowestMs: slowest, seconds: (Date.now() - t0) / 1000 };
}

describe('through the bridge', () => {
  let server: Server;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = tempDir('headcount-hostile-bridge-');
    server = await startServer(dataDir);
    const r = await call(server, 'census.setup', { areaCode: HEFEI, level: 'city', refDate: '2026-12-31', officeName: '合肥市民政局', operator: '王五' });
    expect(r.ok).toBe(true);
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    removeDir(dataDir);
  });

  const dbHash = () => sha256File(path.join(dataDir, 'census.sqlite'));
  const upload = (name: string) => ({ name, dataBase64: readFileSync(files[name]!).toString('base64') });

  it.each([
    ['bomb.xlsx', /超过上限/],
    ['lying-bomb.xlsx', /疑似压缩炸弹/],
    ['many-strings.xlsx', /共享文本超过/],
    ['repeated-string.xlsx', /反复引用的共享文本合计超过/],
    ['far-column.xlsx', /一直到第 XFD 列才有内容/],
    ['long-cell.xlsx', /超过 4 MB，远超 Excel 单元格/],
    ['one-line.csv', /没有一个完整的行/],
  ])('refuses %s in an import preview while the server keeps answering, the database unchanged', async (name, message) => {
    const before = dbHash();
    const r = await whileAnswering(server, call(server, 'io.import.preview', { files: [upload(name)] }));
    expect(r.reply.ok).toBe(false);
    expect(r.reply.error!.code).toBe('invalid_file');
    expect(r.reply.error!.message).toMatch(message);
    expect(r.slowestMs).toBeLessThan(1500);
    expect(dbHash()).toBe(before);
    report(`bridge import ${name} (server peak so far; slowest app.info ${r.slowestMs} ms)`, { seconds: r.seconds, peakMb: peakMb(server.pid) });
  }, 90_000);

  it.each([
    ['tiny-lines.hcpkg', /超过上限 5000000 行/],
    ['costly-scrypt.hcpkg', /解密计算量异常大/],
    ['tiny-lines-small-count.hcpkg', /第 \d+ 行有 1 列|有 \d+ 行数据/],
  ])('refuses %s in a merge while the server keeps answering, the database unchanged', async (name, message) => {
    const before = dbHash();
    const r = await whileAnswering(server, call(server, 'packages.merge', { files: [{ ...upload(name), passphrase: '一个口令' }] }));
    expect(r.reply.ok).toBe(true);
    const [res] = (r.reply.result as { results: { status: string; message: string }[] }).results;
    expect(res!.status).toBe('refused');
    expect(res!.message).toMatch(message);
    expect(r.slowestMs).toBeLessThan(1500);
    expect(dbHash()).toBe(before);
    report(`bridge merge ${name} (server peak so far; slowest app.info ${r.slowestMs} ms)`, { seconds: r.seconds, peakMb: peakMb(server.pid) });
  }, 90_000);
});
