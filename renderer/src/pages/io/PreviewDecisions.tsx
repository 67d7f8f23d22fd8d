/**
 * What an import preview asks the clerk, answered once for all rows: which new units to create (and
 * which names are a registered unit spelled differently), what an unmatched value means, one value
 * for a required column the file lacks, and whose value wins where a re-import meets the county's
 * own edits. Answers are sent back with the next preview; nothing is written until the import.
 */
import { useEffect, useMemo, useState } from 'react';
import type { ImportConflict, ImportDecisions, ImportPreview, NewUnit } from '../../../../shared/api/methods/io';
import { codeLabel, codeLists, type CodeListId } from '../../../../shared/census/codes';
import { fieldOf as fieldDef, type TableName } from '../../../../shared/census/dictionary';
import { call } from '../../api/client';
import type { UnitOption } from '../../api/lookups';
import { OptionSearch } from '../../components/OptionSearch';

type Unmapped = ImportPreview['files'][number]['unmapped'][number];
type Missing = ImportPreview['files'][number]['missingColumns'][number];

const SHOWN = 200;

function listOf(table: TableName, key: string): CodeListId | null {
  return fieldDef(table, key).codeList ?? null;
}

function upsert<T>(list: T[] | undefined, match: (x: T) => boolean, item: T | null): T[] {
  const rest = (list ?? []).filter((x) => !match(x));
  return item ? [...rest, item] : rest;
}

export function PreviewDecisions({ preview, decisions, onChange }: {
  preview: ImportPreview;
  decisions: ImportDecisions;
  onChange: (d: ImportDecisions) => void;
}) {
  const unmapped = mergeUnmapped(preview);
  const missing = preview.files.flatMap((f) => f.missingColumns.map((m) => ({ ...m, file: f.file })));
  const conflicts = preview.files.flatMap((f) => f.conflicts.map((c) => ({ ...c, file: f.file })));
  const derived = preview.files.flatMap((f) => f.derived.map((d) => ({ ...d, file: f.file })));
  if (!preview.newUnits.length && !unmapped.length && !missing.length && !conflicts.length && !derived.length) return null;
  return (
    <div className="import-decisions" data-testid="import-decisions">
      {preview.newUnits.length > 0 && <NewUnits units={preview.newUnits} decisions={decisions} onChange={onChange} />}
      {unmapped.length > 0 && <UnmappedValues values={unmapped} decisions={decisions} onChange={onChange} />}
      {missing.length > 0 && <MissingColumns columns={missing} decisions={decisions} onChange={onChange} />}
      {derived.length > 0 && (
        <>
          <h4>由其他列得出（只填空白，不改文件里已有的值）</h4>
          <ul className="io-more" data-testid="import-derived">
            {derived.map((d) => (
              <li key={`${d.file}-${d.field}-${d.from}`}>{d.file}：由「{d.fromLabel}」得出「{d.label}」{d.rows} 行</li>
            ))}
          </ul>
        </>
      )}
      {conflicts.length > 0 && <Conflicts conflicts={conflicts} decisions={decisions} onChange={onChange} />}
    </div>
  );
}

function mergeUnmapped(preview: ImportPreview): Unmapped[] {
  const m = new Map<string, Unmapped>();
  for (const f of preview.files) {
    for (const u of f.unmapped) {
      const k = `${u.table}.${u.field}\u0000${u.value}`;
      const hit = m.get(k);
      if (hit) m.set(k, { ...hit, rows: hit.rows + u.rows });
      else m.set(k, u);
    }
  }
  return [...m.values()].sort((a, b) => b.rows - a.rows);
}

/** The select's value while the row's search box is open and nothing is chosen through it yet */
const PICK = 'pick';

/**
 * Each new name's choice is a short list (create, leave as text, the near registered unit, the one
 * chosen) and, for any other registered unit, a search box opened on demand. Listing every registered
 * unit in every row's select put 1,000 options in each: a township naming 39 new units into a county
 * of 3,000 units froze the page for 3.5 s while 39,000 options were laid out.
 */
function NewUnits({ units, decisions, onChange }: { units: NewUnit[]; decisions: ImportDecisions; onChange: (d: ImportDecisions) => void }) {
  const [registered, setRegistered] = useState<UnitOption[]>([]);
  const [picking, setPicking] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    call('units.options', { limit: 1000 }).then(setRegistered).catch(() => setRegistered([]));
  }, []);
  const names = useMemo(() => new Map(registered.map((r) => [r.id, r.name])), [registered]);
  const searchable = useMemo(() => registered.map((r) => ({ value: r.id, label: r.name, hint: r.creditCode ?? undefined })), [registered]);
  const created = units.filter((u) => u.action === 'create').length;
  const near = units.filter((u) => u.near && u.action === 'skip').length;
  const set = (u: NewUnit, value: string) => {
    const item = value === 'create' || value === 'skip'
      ? { name: u.name, action: value as 'create' | 'skip' }
      : { name: u.name, action: 'link' as const, unitId: value.slice('link:'.length) };
    onChange({ ...decisions, units: upsert(decisions.units, (x) => x.name === u.name, item) });
  };
  const searching = (name: string, on: boolean) =>
    setPicking((prev) => {
      const next = new Set(prev);
      if (on) next.add(name);
      else next.delete(name);
      return next;
    });
  return (
    <>
      <h4>
        表中的工作单位：新建 {created} 个{near > 0 && <b className="count-warning">，{near} 个与已登记单位名称相近，请选择</b>}
      </h4>
      <div className="io-list" data-testid="import-new-units">
        <table>
          <thead><tr><th>单位名称（表中写法）</th><th>单位类型</th><th>人数</th><th>处理</th></tr></thead>
          <tbody>
            {units.slice(0, SHOWN).map((u) => {
              const choice = unitChoice(u, decisions);
              const other = choice.startsWith('link:') && choice !== `link:${u.near?.unitId ?? ''}` ? choice.slice('link:'.length) : null;
              const open = picking.has(u.name);
              return (
                <tr key={u.name} data-testid="new-unit" data-name={u.name}>
                  <td>
                    {u.name}
                    {u.near && <div className="near">与已登记的「{u.near.name}」相近</div>}
                  </td>
                  <td>{u.unitType ? codeLabel('unitType', u.unitType) : '（未给出）'}</td>
                  <td>{u.rows}</td>
                  <td>
                    <select
                      value={open && !other ? PICK : choice}
                      onChange={(e) => {
                        searching(u.name, e.target.value === PICK);
                        if (e.target.value !== PICK) set(u, e.target.value);
                      }}
                      aria-label={`「${u.name}」的处理`}
                      data-testid="new-unit-action"
                    >
                      <option value="create">新建单位</option>
                      <option value="skip">暂不新建（所在单位保留为文字）</option>
                      {u.near && <option value={`link:${u.near.unitId}`}>就是已登记的「{u.near.name}」</option>}
                      {other && <option value={choice}>归入已登记的「{names.get(other) ?? '已登记单位'}」</option>}
                      <option value={PICK}>归入其他已登记单位（输入名称查找）…</option>
                    </select>
                    {open && (
                      <OptionSearch options={searchable} testId="new-unit-search" label="已登记单位" onPick={(id) => set(u, `link:${id}`)} />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** The pending answer for a unit name, else what the preview planned */
function unitChoice(u: NewUnit, decisions: ImportDecisions): string {
  const d = decisions.units?.find((x) => x.name === u.name);
  const action = d?.action ?? u.action;
  const unitId = d ? d.unitId : u.unitId;
  return action === 'link' ? `link:${unitId ?? ''}` : action;
}

function UnmappedValues({ values, decisions, onChange }: { values: Unmapped[]; decisions: ImportDecisions; onChange: (d: ImportDecisions) => void }) {
  const set = (u: Unmapped, code: string) => {
    const same = (x: NonNullable<ImportDecisions['values']>[number]) => x.table === u.table && x.field === u.field && x.value === u.value;
    onChange({ ...decisions, values: upsert(decisions.values, same, code ? { table: u.table, field: u.field, value: u.value, code } : null) });
  };
  return (
    <>
      <h4>未能对应代码的值（选择一次，所有行按此处理，并记住用于以后的导入和粘贴）</h4>
      <div className="io-list" data-testid="import-unmapped">
        <table>
          <thead><tr><th>字段</th><th>表中的值</th><th>行数</th><th>对应为</th></tr></thead>
          <tbody>
            {values.slice(0, SHOWN).map((u) => {
              const list = listOf(u.table, u.field);
              const chosen = decisions.values?.find((x) => x.table === u.table && x.field === u.field && x.value === u.value)?.code ?? '';
              return (
                <tr key={`${u.table}.${u.field}.${u.value}`} data-testid="unmapped-value" data-value={u.value}>
                  <td>{u.label}</td>
                  <td>「{u.value}」</td>
                  <td>{u.rows} 行</td>
                  <td>
                    {u.spanReason || !list ? (
                      <span className="count-warning">{u.spanReason ? `${u.spanReason}，不能统一对应，请逐行核实` : '请逐行改正'}</span>
                    ) : (
                      <select value={chosen} onChange={(e) => set(u, e.target.value)} aria-label={`${u.label}「${u.value}」对应为`} data-testid="unmapped-code">
                        <option value="">（保留原文，标为错误）</option>
                        {codeLists[list].map((c) => <option key={c.code} value={c.code}>{c.label}</option>)}
                      </select>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

function MissingColumns({ columns, decisions, onChange }: { columns: (Missing & { file: string })[]; decisions: ImportDecisions; onChange: (d: ImportDecisions) => void }) {
  const set = (m: Missing & { file: string }, value: string) => {
    const same = (x: NonNullable<ImportDecisions['fills']>[number]) => x.file === m.file && (x.sheet ?? null) === m.sheet && x.field === m.field;
    onChange({ ...decisions, fills: upsert(decisions.fills, same, value ? { file: m.file, sheet: m.sheet, field: m.field, value } : null) });
  };
  return (
    <>
      <h4>表中没有的必填列（可为这些行统一填一个值，或以后再填）</h4>
      <div className="io-list" data-testid="import-missing">
        <table>
          <thead><tr><th>文件 / 工作表</th><th>缺少的列</th><th>空着的行</th><th>统一填为</th></tr></thead>
          <tbody>
            {columns.map((m) => {
              const list = listOf(m.table, m.field);
              const value = decisions.fills?.find((x) => x.file === m.file && (x.sheet ?? null) === m.sheet && x.field === m.field)?.value ?? '';
              return (
                <tr key={`${m.file}-${m.sheet}-${m.field}`} data-testid="missing-column" data-field={m.field}>
                  <td>{m.file}{m.sheet ? ` / ${m.sheet}` : ''}</td>
                  <td>{m.label}</td>
                  <td>{m.rows}</td>
                  <td>
                    {list ? (
                      <select value={value} onChange={(e) => set(m, e.target.value)} aria-label={`「${m.label}」统一填为`} data-testid="missing-fill">
                        <option value="">以后再填</option>
                        {codeLists[list].map((c) => <option key={c.code} value={c.code}>{c.label}</option>)}
                      </select>
                    ) : (
                      <input
                        type="text"
                        defaultValue={value}
                        placeholder="以后再填"
                        onBlur={(e) => set(m, e.target.value.trim())}
                        aria-label={`「${m.label}」统一填为`}
                        data-testid="missing-fill"
                      />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

const kindText: Record<ImportConflict['kind'], string> = { edited: '本县导入后改过', identity: '同一证件号码、不同的人', deleted: '本县已删除' };

function Conflicts({ conflicts, decisions, onChange }: { conflicts: (ImportConflict & { file: string })[]; decisions: ImportDecisions; onChange: (d: ImportDecisions) => void }) {
  const set = (c: ImportConflict, take: 'county' | 'file') => {
    const field = c.kind === 'edited' ? c.field : null;
    const same = (x: NonNullable<ImportDecisions['conflicts']>[number]) => x.recordId === c.recordId && (x.field ?? null) === field;
    onChange({ ...decisions, conflicts: upsert(decisions.conflicts, same, { recordId: c.recordId, field, take }) });
  };
  return (
    <>
      <h4 className="count-warning">与本县已有数据冲突（{conflicts.length}）：默认保留本县的</h4>
      <div className="io-list" data-testid="import-conflicts">
        <table>
          <thead><tr><th>位置</th><th>记录</th><th>冲突</th><th>本县的</th><th>文件中的</th><th>处理</th></tr></thead>
          <tbody>
            {conflicts.slice(0, SHOWN).map((c) => (
              <tr key={`${c.recordId}-${c.field ?? ''}-${c.row}`} data-testid="import-conflict" data-kind={c.kind}>
                <td>{c.file} {c.sheet ? `${c.sheet} ` : ''}第{c.row}行</td>
                <td>{c.label}</td>
                <td>{kindText[c.kind]}{c.fieldLabel ? `：${c.fieldLabel}` : ''}</td>
                <td>{c.countyValue || '（空）'}</td>
                <td>{c.fileValue || '（空）'}</td>
                <td>
                  <select value={decisions.conflicts?.find((x) => x.recordId === c.recordId && (x.field ?? null) === (c.kind === 'edited' ? c.field : null))?.take ?? c.take} onChange={(e) => set(c, e.target.value as 'county' | 'file')} aria-label="冲突处理" data-testid="conflict-take">
                    <option value="county">{c.kind === 'edited' ? '保留本县的' : c.kind === 'deleted' ? '不重新添加' : '不导入此行'}</option>
                    <option value="file">{c.kind === 'edited' ? '采用文件的' : c.kind === 'deleted' ? '重新添加' : '仍按文件更新'}</option>
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
