/**
 * 批量设置: one value for one column of all selected rows or all rows the filters show, as one action
 * (one transaction, one undo step). Coded columns offer their list, other columns take text that is read
 * as a paste is (normalised by the core).
 */
import { useMemo, useState } from 'react';
import type { FieldValue } from '../../../shared/census/schema';
import type { GridController } from './controller';
import { usesPicker } from './model';
import { usePopover } from './Toolbar';

export function BulkSet({ ctrl }: { ctrl: GridController }) {
  const [open, setOpen, ref] = usePopover();
  const [key, setKey] = useState('');
  const [pick, setPick] = useState(0);
  const [text, setText] = useState('');
  const [scope, setScope] = useState<'selected' | 'shown'>('selected');
  const f = ctrl.rows.field(key);
  const options = useMemo(() => (f && usesPicker(f) ? ctrl.rows.optionsFor(f).search('', 5000) : []), [ctrl, f]);
  const selected = open ? ctrl.sel.selectedRowIds() : [];
  const shown = open ? ctrl.sel.shownRowIds() : [];
  const ids = scope === 'selected' ? selected : shown;

  const start = () => {
    if (!open) {
      setKey(ctrl.sel.focusedField() ?? ctrl.fields[0]?.key ?? '');
      setPick(0);
      setText('');
      setScope(ctrl.sel.selectedRowIds().length > 1 || !ctrl.search.active ? 'selected' : 'shown');
    }
    setOpen(!open);
  };

  const apply = () => {
    if (!f || ids.length === 0) return;
    const change = usesPicker(f) ? { value: (options[pick]?.value ?? null) as FieldValue } : { text };
    const value = f.type === 'codes' && 'value' in change && typeof change.value === 'string' ? { value: [change.value] } : change;
    setOpen(false);
    void ctrl.setForRows(ids, f.key, value, scope === 'selected' ? '选中的' : '筛选后的');
  };

  return (
    <div className="hc-pop" ref={ref}>
      <button type="button" data-testid="grid-bulk" title="把一列设为同一个值（选中的行或筛选后的全部行），可撤销" onClick={start}>
        批量设置
      </button>
      {open && (
        <div className="hc-pop-body hc-bulk" data-testid="grid-bulk-menu">
          <label>
            列
            <select data-testid="grid-bulk-column" value={key} onChange={(e) => (setKey(e.target.value), setPick(0))}>
              {ctrl.fields.map((x) => (
                <option key={x.key} value={x.key}>
                  {x.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            值
            {f && usesPicker(f) ? (
              <select data-testid="grid-bulk-value" value={pick} onChange={(e) => setPick(Number(e.target.value))}>
                {options.map((o, n) => (
                  <option key={String(o.value)} value={n}>
                    {o.label}
                  </option>
                ))}
              </select>
            ) : (
              <input data-testid="grid-bulk-text" value={text} placeholder="留空表示清除" onChange={(e) => setText(e.target.value)} />
            )}
          </label>
          <label>
            <input type="radio" name="hc-bulk-scope" data-testid="grid-bulk-selected" checked={scope === 'selected'} onChange={() => setScope('selected')} />
            选中的行（{selected.length} 行）
          </label>
          <label>
            <input type="radio" name="hc-bulk-scope" data-testid="grid-bulk-shown" checked={scope === 'shown'} onChange={() => setScope('shown')} />
            筛选后的全部行（{shown.length} 行）
          </label>
          <div className="hc-pop-actions">
            <button type="button" className="primary" data-testid="grid-bulk-apply" disabled={!f || ids.length === 0} onClick={apply}>
              设置 {ids.length} 行
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
