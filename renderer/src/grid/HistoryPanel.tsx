/** The focused record's edit history (who, when, old → new), with a button to put an old value back. */
import { useEffect, useState } from 'react';
import type { AuditEntry } from '../../../shared/api/contract';
import { fieldsOf } from '../../../shared/census/dictionary';
import { historyNoteText } from './history-note';
import type { FieldValue } from '../../../shared/census/schema';
import { cellText } from '../../../shared/grid';
import { call, errorMessage } from '../api/client';
import type { GridController } from './controller';
import { localDateTime } from '../lib/format';
import { useGridSelector } from './useGridStatus';

const actionLabel: Record<AuditEntry['action'], string> = { create: '新增', update: '修改', delete: '删除', restore: '恢复', import: '导入' };

export function HistoryPanel({ ctrl }: { ctrl: GridController }) {
  const id = useGridSelector(ctrl, (s) => s.focusedId);
  const dataVersion = useGridSelector(ctrl, (s) => s.dataVersion);
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!id) {
      setEntries([]);
      return;
    }
    let live = true;
    call('history.list', { table: ctrl.table, recordId: id })
      .then((list) => live && (setEntries(list), setError(null)))
      .catch((e: unknown) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [ctrl, id, dataVersion]);

  const show = (key: string | null, json: string | null): string => {
    if (json === null) return '（空）';
    const f = fieldsOf[ctrl.table].find((x) => x.key === key);
    const v = JSON.parse(json) as FieldValue;
    return f ? cellText(f, v, ctrl.lookups) || '（空）' : json;
  };
  const row = id ? ctrl.byId.get(id) : undefined;

  return (
    <aside className="hc-side" data-testid="grid-history-panel">
      <h2>修改历史{row ? `：${ctrl.rows.text(row, 'name') || '（未填名称）'}` : ''}</h2>
      {!id && <p className="meta">点击表格中的一行，查看该记录的修改历史。</p>}
      {error && <p className="hc-err-text">{error}</p>}
      <ol className="hc-history">
        {[...entries].reverse().map((e) => {
          const f = fieldsOf[ctrl.table].find((x) => x.key === e.field);
          const why = historyNoteText(ctrl.table, e.note);
          return (
            <li key={e.id} data-testid="grid-history-entry" data-field={e.field ?? ''}>
              <div className="meta">
                {localDateTime(e.at)} · {e.operator} · {actionLabel[e.action]}
                {why && <span data-testid="grid-history-note"> · {why}</span>}
              </div>
              {e.field ? (
                <div>
                  <strong>{f?.label ?? e.field}</strong>：<span data-testid="grid-history-old">{show(e.field, e.oldValue)}</span> →{' '}
                  <span data-testid="grid-history-new">{show(e.field, e.newValue)}</span>
                  <button
                      type="button"
                      className="hc-link"
                      data-testid="grid-history-restore"
                      title="把该项恢复为修改前的值（作为一次新的修改记录在案）"
                      onClick={() => void ctrl.restore(e.recordId, e.id, 'old')}
                    >
                      恢复为「{show(e.field, e.oldValue)}」
                    </button>
                </div>
              ) : (
                <div className="meta">{e.action === 'create' ? '新增了这条记录' : e.action === 'import' ? '从文件导入' : ''}</div>
              )}
            </li>
          );
        })}
      </ol>
    </aside>
  );
}
