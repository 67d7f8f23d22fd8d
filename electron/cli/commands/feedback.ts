/** `feedback` and `import-feedback`: 审核退回 from the command line, through the contract. */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, requireString, UsageError } from '../args';
import type { Command } from '../command';
import { call, withCore } from '../open';

const feedbackUsage = 'feedback --db FILE --area CODE -o OUT.hcfb';

const feedbackCommand: Command = {
  usage: feedbackUsage,
  summary: '市州、省：把对某个下级地区的核实意见（审核退回）导出为签名文件，交该地区导入',
  async run(argv, io) {
    const { values, positionals } = parse(argv, { db: { type: 'string' }, area: { type: 'string' }, out: { type: 'string', short: 'o' } }, feedbackUsage);
    if (positionals.length) throw new UsageError(`多余的参数「${positionals.join(' ')}」\n用法：${feedbackUsage}`);
    const db = requireString(values.db, 'db', feedbackUsage);
    const area = requireString(values.area, 'area', feedbackUsage);
    if (!/^\d{6}$/.test(area)) throw new UsageError(`--area 应为6位行政区划代码：${area}`);
    const out = path.resolve(requireString(values.out, 'out (-o)', feedbackUsage));
    // Checked first: writing the file marks the questions as sent.
    const dir = path.dirname(out);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`输出目录不存在：${dir}`);
    return withCore(db, async (core) => {
      const file = await call(core, 'feedback.export', { areaCode: area });
      const tmp = path.join(dir, `.${path.basename(out)}.${process.pid}.tmp`);
      try {
        writeFileSync(tmp, Buffer.from(file.dataBase64, 'base64'));
        renameSync(tmp, out);
      } catch (e) {
        rmSync(tmp, { force: true });
        throw new UsageError(`无法写入文件 ${out}：${e instanceof Error ? e.message : String(e)}`);
      }
      io.out(`已导出核实意见：${out}（${file.items} 条）\n`);
      return 0;
    });
  },
};

const importUsage = 'import-feedback --db FILE FEEDBACK.hcfb';

const importCommand: Command = {
  usage: importUsage,
  summary: '下级地区：导入上级的核实意见，列入问题清单；答复随下次上报包带回',
  async run(argv, io) {
    const { values, positionals } = parse(argv, { db: { type: 'string' } }, importUsage);
    const db = requireString(values.db, 'db', importUsage);
    if (positionals.length !== 1) throw new UsageError(`请指定一个核实意见文件\n用法：${importUsage}`);
    const file = positionals[0]!;
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch {
      throw new UsageError(`无法读取文件：${file}`);
    }
    return withCore(db, async (core) => {
      const r = await call(core, 'feedback.import', { name: path.basename(file), dataBase64: data.toString('base64') });
      io.out(`已导入 ${r.fromAreaName}（${r.fromOffice}）的核实意见：新增 ${r.added} 条${r.already ? `，${r.already} 条此前已导入` : ''}\n`);
      io.out(`签名密钥指纹：${r.fingerprint}${r.newKey ? '（首次收到，已登记；请与上级电话核对）' : '（与登记的一致）'}\n`);
      return 0;
    });
  },
};

export const feedbackCommands: Record<string, Command> = {
  feedback: feedbackCommand,
  'import-feedback': importCommand,
};
