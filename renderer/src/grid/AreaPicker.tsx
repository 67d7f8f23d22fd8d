/**
 * An upper level's choice of what the grid shows: the whole table, a 市州 (its 区县 indented beneath
 * it) or a 区县. A plain select: keyboard-first, and the browser draws a long list fast.
 */
import { GRID_LOAD_ALL_LIMIT, type ScopeOption } from '../../../shared/grid/scope';

export function AreaPicker({ options, value, onPick }: { options: readonly ScopeOption[]; value: string; onPick(key: string): void }) {
  const total = options[0]?.count ?? 0;
  return (
    <label className="hc-area-picker">
      显示
      <select
        data-testid="grid-area"
        value={value}
        title="上级汇总的数据按市州、区县分别显示"
        onChange={(e) => onPick(e.target.value)}
      >
        {options.map((o) => (
          <option key={o.key} value={o.key}>
            {o.depth ? '\u3000\u3000' : ''}
            {o.label}
          </option>
        ))}
      </select>
      {value !== 'all' && total > GRID_LOAD_ALL_LIMIT && (
        <span className="meta" data-testid="grid-area-note" title={`共 ${total.toLocaleString('zh-CN')} 行，一次全部载入较慢，按市州、区县分别显示`}>
          共 {Math.round(total / 1e4).toLocaleString('zh-CN')} 万行
        </span>
      )}
    </label>
  );
}
