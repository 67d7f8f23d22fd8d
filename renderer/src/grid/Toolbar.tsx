/** Find, filters and column visibility for the grid: small popovers of our own. */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { GridController } from './controller';
import { useGridSelector } from './useGridStatus';

/**
 * 查找: Ctrl+F focuses the box and selects its text (so typing replaces the last search), within the
 * keystroke — not a render later, when the first typed keys would already have gone to the grid.
 * Pinyin initials match Chinese text (`wxm` finds 王小明). While a large table is still being read, a
 * search the rows read so far cannot answer waits for the rest instead of saying 没有找到.
 */
export function FindBox({ ctrl, inputRef }: { ctrl: GridController; inputRef: React.RefObject<HTMLInputElement | null> }) {
  const [q, setQ] = useState('');
  const [state, setState] = useState<'miss' | 'waiting' | null>(null);
  /** Moves on every search and edit of the box: a search still waiting for rows is then dropped */
  const asked = useRef(0);
  const pending = useGridSelector(ctrl, () => ctrl.rowsPending);
  const search = () => {
    const n = ++asked.current;
    if (ctrl.find(q)) return setState(null);
    if (!ctrl.rowsPending) return setState('miss');
    setState('waiting');
    void ctrl.allRows.then(() => {
      if (asked.current === n) setState(ctrl.find(q) ? null : 'miss');
    });
  };
  return (
    <label className="hc-find">
      <input
        ref={inputRef}
        data-testid="grid-find"
        value={q}
        placeholder="查找（Ctrl+F，回车找下一个，可用拼音首字母）"
        onChange={(e) => {
          asked.current++;
          setQ(e.target.value);
          setState(null);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
            e.preventDefault();
            search();
          } else if (e.key === 'Escape') {
            asked.current++;
            setState(null);
            const f = ctrl.sel.focused();
            if (f) ctrl.sel.focusCell(f);
          }
        }}
      />
      {state === 'miss' && <span className="hc-err-text" data-testid="grid-find-miss">没有找到</span>}
      {state === 'waiting' && (
        <span className="hc-find-wait" role="status" data-testid="grid-find-wait">
          已读取的行中没有找到，还有 {pending.toLocaleString('zh-CN')} 行正在读取，读完后接着找…
        </span>
      )}
    </label>
  );
}

/** Puts the focus in the find box now and selects what it holds */
export function focusFind(input: HTMLInputElement | null): void {
  input?.focus();
  input?.select();
}

export function usePopover(): [boolean, (v: boolean) => void, React.RefObject<HTMLDivElement | null>] {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);
  return [open, setOpen, ref];
}

export function ColumnsMenu({ ctrl, onChange }: { ctrl: GridController; onChange(): void }) {
  const [open, setOpen, ref] = usePopover();
  const [, force] = useState(0);
  const api = ctrl.api;
  return (
    <div className="hc-pop" ref={ref}>
      <button type="button" data-testid="grid-columns" onClick={() => setOpen(!open)}>
        显示列
      </button>
      {open && api && (
        <div className="hc-pop-body" data-testid="grid-columns-menu">
          {ctrl.fields.map((f) => {
            const col = api.getColumn(f.key);
            return (
              <label key={f.key}>
                <input
                  type="checkbox"
                  data-testid={`grid-column-toggle-${f.key}`}
                  checked={col?.isVisible() ?? true}
                  onChange={(e) => {
                    api.setColumnsVisible([f.key], e.target.checked);
                    force((n) => n + 1);
                    onChange();
                  }}
                />
                {f.label}
              </label>
            );
          })}
        </div>
      )}
    </div>
  );
}

/** A text filter for any column, and a checklist of distinct values for coded ones */
export function FilterMenu({ ctrl }: { ctrl: GridController }) {
  const [open, setOpen, ref] = usePopover();
  const [key, setKey] = useState(ctrl.fields[0]?.key ?? '');
  const [, force] = useState(0);
  const f = ctrl.fields.find((x) => x.key === key);
  const coded = f && (f.type === 'code' || f.type === 'codes' || f.type === 'boolean' || f.type === 'township' || f.type === 'unitRef');
  const current = ctrl.filters.get(key);
  const distinct = useMemo(() => (open && coded ? ctrl.distinct(key) : []), [open, coded, key, ctrl]);
  const active = [...ctrl.filters.keys()];
  const issue = ctrl.search.issue;
  const count = active.length + (issue ? 1 : 0);
  const update = (next: Parameters<GridController['setFilter']>[1]) => {
    ctrl.setFilter(key, next);
    force((n) => n + 1);
  };
  return (
    <div className="hc-pop" ref={ref}>
      <button type="button" data-testid="grid-filter" className={count ? 'hc-active' : undefined} onClick={() => setOpen(!open)}>
        筛选{count ? `（${count}）` : ''}
      </button>
      {open && (
        <div className="hc-pop-body hc-filter" data-testid="grid-filter-menu">
          <label>
            列
            <select data-testid="grid-filter-column" value={key} onChange={(e) => setKey(e.target.value)}>
              {ctrl.fields.map((x) => (
                <option key={x.key} value={x.key}>
                  {x.label}
                  {ctrl.filters.has(x.key) ? ' ●' : ''}
                </option>
              ))}
            </select>
          </label>
          <input
            data-testid="grid-filter-text"
            placeholder="包含文字（可用拼音首字母）"
            value={current?.text ?? ''}
            onChange={(e) => update({ ...current, text: e.target.value })}
          />
          {coded && (
            <div className="hc-checklist" data-testid="grid-filter-values">
              {distinct.map((d) => {
                const checked = current?.values ? current.values.has(d.text) : true;
                return (
                  <label key={d.text}>
                    <input
                      type="checkbox"
                      data-testid="grid-filter-value"
                      data-value={d.text}
                      checked={checked}
                      onChange={() => {
                        const all = new Set(current?.values ?? distinct.map((x) => x.text));
                        if (checked) all.delete(d.text);
                        else all.add(d.text);
                        update({ ...current, values: all.size === distinct.length ? undefined : all });
                      }}
                    />
                    {d.text || '（空）'} <small>{d.count}</small>
                    <button
                      type="button"
                      className="hc-link hc-only"
                      data-testid="grid-filter-only"
                      title="只显示此值的行"
                      onClick={(e) => {
                        e.preventDefault();
                        ctrl.onlyValue(key, d.text);
                        force((n) => n + 1);
                      }}
                    >
                      只看此值
                    </button>
                  </label>
                );
              })}
            </div>
          )}
          {issue && (
            <p className="meta" data-testid="grid-filter-issue">
              只显示有问题「{issue.label}」的行
            </p>
          )}
          <div className="hc-pop-actions">
            <button type="button" onClick={() => update(null)}>
              清除本列筛选
            </button>
            <button
              type="button"
              data-testid="grid-filter-clear-all"
              onClick={() => {
                ctrl.clearFilters();
                force((n) => n + 1);
              }}
            >
              全部清除
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
