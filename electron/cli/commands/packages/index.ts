/** `export`, `verify`, `merge`, `keys`: return packages from the command line. */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ApiError } from '../../../../shared/api/errors';
import { parse, requireString, UsageError } from '../../args';
import type { Command } from '../../command';
import type { FileCore } from '../../../core/app';
import { call, withCore, withScratchCore } from '../../open';
import { checkPackagePath, expandPackagePaths, readPackageUpload, readPassphrase } from './common';

const exportUsage = 'export --db FILE -o OUT.hcpkg [--passphrase-file F] [--allow-unexplained] [--allow-incomplete]';

const exportCommand: Command = {
  usage: exportUsage,
  summary: '导出签名的上报包（有错误时拒绝；警告未说明时需加 --allow-unexplained、有下级未报时需加 --allow-incomplete 确认）',
  async run(argv, io) {
    const { values } = parse(argv, {
      db: { type: 'string' }, out: { type: 'string', short: 'o' }, 'passphrase-file': { type: 'string' }, 'allow-unexplained': { type: 'boolean' },
      'allow-incomplete': { type: 'boolean' },
    }, exportUsage);
    const db = requireString(values.db, 'db', exportUsage);
    const out = resolve(requireString(values.out, 'out (-o)', exportUsage));
    const dir = dirname(out);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`输出目录不存在：${dir}`);
    if (existsSync(out) && statSync(out).isDirectory()) throw new UsageError(`输出路径是一个文件夹：${out}`);
    const passphrase = readPassphrase(values['passphrase-file']);
    if (passphrase !== undefined && passphrase.length < 8) throw new UsageError('口令至少8个字符');
    return withCore(db, async (core) => {
      try {
        const r = await call(core, 'packages.export.toFile', {
          outPath: out, ...(passphrase === undefined ? {} : { passphrase }), confirmUnexplained: Boolean(values['allow-unexplained']),
          allowIncomplete: Boolean(values['allow-incomplete']),
        });
        io.out(`已导出上报包：${r.path}\n第 ${r.sequence} 次上报，人员 ${r.persons} 人，单位 ${r.units} 个，${(r.bytes / 1024).toFixed(0)} KB${r.encrypted ? '，已加密' : ''}\n本单位密钥指纹：${r.fingerprint}\n`);
        return 0;
      } catch (e) {
        const reason = e instanceof ApiError ? (e.details as { reason?: string } | undefined)?.reason : undefined;
        if (reason === 'errors' || reason === 'unexplained' || reason === 'incomplete') {
          const hint = { errors: '（用 headcount check 查看错误）', unexplained: '（确认后加 --allow-unexplained 重新运行）', incomplete: '（确认后加 --allow-incomplete 重新运行）' }[reason];
          io.err(`不能导出：${(e as ApiError).message}${hint}\n`);
          return 1;
        }
        throw e;
      }
    });
  },
};

const verifyUsage = 'verify PKG|DIR... [--db FILE] [--passphrase-file F] [--json]';

const verifyCommand: Command = {
  usage: verifyUsage,
  summary: '校验上报包（结构、校验值、签名、格式版本、能否解密）而不导入；给出 --db 时也核对密钥登记',
  async run(argv, io) {
    const { values, positionals } = parse(argv, { db: { type: 'string' }, 'passphrase-file': { type: 'string' }, json: { type: 'boolean' } }, verifyUsage);
    if (!positionals.length) throw new UsageError(`请指定要校验的上报包文件\n用法：${verifyUsage}`);
    const passphrase = readPassphrase(values['passphrase-file']);
    const files = expandPackagePaths(positionals).map((p) => readPackageUpload(p, passphrase));
    // Without --db there is no census to check keys against: an empty one stands in.
    const verify = async (core: FileCore) => {
      // One file a call: the method caps a batch, a folder may hold more.
      const out = [];
      for (const file of files) out.push(...(await call(core, 'packages.verify', { files: [file] })).results);
      return out;
    };
    const results = typeof values.db === 'string' ? await withCore(values.db, verify) : await withScratchCore(verify);
    if (values.json) io.out(JSON.stringify({ results }, null, 2) + '\n');
    else {
      for (const r of results) {
        if (r.ok && r.package) {
          const p = r.package;
          io.out(`通过  ${r.file}：${p.areaName}（${p.areaCode}）第 ${p.sequence} 次上报，统计时点 ${p.refDate}，人员 ${p.persons} 人，单位 ${p.units} 个${r.encrypted ? '，已加密' : ''}\n      填报单位：${p.officeName}  密钥指纹：${r.fingerprint}${r.trust === 'new' ? '（尚未登记，首次合并时需确认）' : r.trust === 'trusted' ? '（已登记）' : ''}\n`);
        } else {
          io.out(`不通过  ${r.file}：\n${r.problems.map((p) => `  - ${p}`).join('\n')}\n`);
        }
      }
    }
    return results.every((r) => r.ok) ? 0 : 1;
  },
};

const mergeUsage = 'merge --db FILE PKG|DIR... [--trust-new-keys] [--passphrase-file F] [--json]';

const mergeCommand: Command = {
  usage: mergeUsage,
  summary: '把下级上报包合并进市州或省级统计调查（每个包全部成功或全部不变）',
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      db: { type: 'string' }, 'trust-new-keys': { type: 'boolean' }, 'passphrase-file': { type: 'string' }, json: { type: 'boolean' },
    }, mergeUsage);
    const db = requireString(values.db, 'db', mergeUsage);
    if (!positionals.length) throw new UsageError(`请指定要合并的上报包文件\n用法：${mergeUsage}`);
    const passphrase = readPassphrase(values['passphrase-file']);
    const paths = expandPackagePaths(positionals);
    return withCore(db, async (core) => {
      const results = [];
      for (const p of paths) checkPackagePath(p);
      // All files in one merge (a bulk load when they are many), each read from disk only when its
      // turn comes, so a hundred packages never sit in memory together.
      const r = await call(core, 'packages.merge.files', { paths, passphrase, trustNewKeys: Boolean(values['trust-new-keys']), countPending: false });
      for (const [i, m] of r.results.entries()) {
        const p = paths[i]!;
        results.push({ file: p, area: m.area, sequence: m.sequence, status: m.status, added: m.added, replaced: m.replaced, removed: m.removed, duplicatesHeld: m.duplicatesHeld, message: m.message });
        if (!values.json) io.out(`${m.status === 'merged' ? '已合并' : m.status === 'unchanged' ? '无变化' : '已拒绝'}  ${p}：${m.message}\n`);
      }
      if (values.json) io.out(JSON.stringify(results, null, 2) + '\n');
      return results.some((r) => r.status === 'refused') ? 1 : 0;
    });
  },
};

const keysUsage = 'keys --db FILE [--trust PKG [--passphrase-file F]] [--json]';

const keysCommand: Command = {
  usage: keysUsage,
  summary: '显示本单位密钥指纹和已登记的下级密钥；--trust 在电话核实后登记（或更换）某上报包的签名密钥',
  async run(argv, io) {
    const { values } = parse(argv, { db: { type: 'string' }, trust: { type: 'string' }, 'passphrase-file': { type: 'string' }, json: { type: 'boolean' } }, keysUsage);
    const db = requireString(values.db, 'db', keysUsage);
    const passphrase = readPassphrase(values['passphrase-file']);
    return withCore(db, async (core) => {
      if (typeof values.trust === 'string') {
        const t = await call(core, 'packages.trust', { file: readPackageUpload(values.trust, passphrase) });
        if (values.json) io.out(JSON.stringify(t, null, 2) + '\n');
        else
          io.out(t.already
            ? `${t.areaName} 的密钥 ${t.fingerprint} 早已登记，无需重复\n`
            : `已登记 ${t.areaName}（${t.officeName}）的密钥：${t.fingerprint}${t.previous ? `（取代原密钥 ${t.previous}）` : ''}\n`);
        return 0;
      }
      const k = await call(core, 'packages.keys', { create: true });
      if (values.json) {
        io.out(JSON.stringify(k, null, 2) + '\n');
        return 0;
      }
      io.out(`本单位密钥指纹：${k.own!.fingerprint}（生成于 ${k.own!.createdAt}）\n`);
      if (!k.trusted.length) io.out('尚未登记任何下级单位的密钥\n');
      for (const t of k.trusted)
        io.out(`${t.current ? '在用' : '已更换'}  ${t.areaName}（${t.areaCode}） ${t.officeName}  ${t.fingerprint}  登记于 ${t.trustedAt}\n`);
      return 0;
    });
  },
};

export const packagesCommands: Record<string, Command> = {
  export: exportCommand,
  verify: verifyCommand,
  merge: mergeCommand,
  keys: keysCommand,
};
