/** The census at a glance: what area and date, how many records, how many problems remain. */
import { useEffect, useState, type FormEvent } from 'react';
import type { CensusSettings, MethodOutput } from '../../../shared/api/contract';
import { call, errorMessage } from '../api/client';
import { ErrorBanner } from '../components/ErrorBanner';
import { countText, levelLabel } from '../lib/format';
import type { Route } from '../lib/route';

interface Props {
  settings: CensusSettings;
  onSettings: (s: CensusSettings) => void;
  navigate: (route: Route) => void;
}

type Summary = MethodOutput<'census.summary'>;

export function Home({ settings, onSettings, navigate }: Props) {
  const [summary, setSummary] = useState<Summary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editingOperator, setEditingOperator] = useState(false);
  const [operator, setOperator] = useState(settings.operator);
  const [operatorError, setOperatorError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    call('census.summary', {})
      .then((s) => live && setSummary(s))
      .catch((e: unknown) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, []);

  async function saveOperator(e: FormEvent) {
    e.preventDefault();
    const name = operator.trim();
    if (name === '') {
      setOperatorError('请填写操作员');
      return;
    }
    if (name.length > 50) {
      setOperatorError('操作员不能超过50个字');
      return;
    }
    try {
      const s = await call('census.setOperator', { operator: name });
      onSettings(s);
      setEditingOperator(false);
      setOperatorError(null);
    } catch (err) {
      setOperatorError(errorMessage(err));
    }
  }

  return (
    <div className="page home" data-testid="home">
      <h1>
        <span data-testid="home-area">{settings.areaName}</span>
        <span className="sub">（{settings.areaCode}）全口径统计调查</span>
      </h1>
      <ErrorBanner message={error} />
      <table className="kv">
        <tbody>
          <tr>
            <th>行政区划代码</th>
            <td data-testid="home-area-code">{settings.areaCode}</td>
            <th>统计层级</th>
            <td data-testid="home-level">{levelLabel(settings.level)}</td>
          </tr>
          <tr>
            <th>统计时点</th>
            <td data-testid="home-refdate">{settings.refDate}</td>
            <th>填报单位</th>
            <td data-testid="home-office">{settings.officeName}</td>
          </tr>
          <tr>
            <th>操作员</th>
            <td colSpan={3}>
              {editingOperator ? (
                <form className="inline-form" onSubmit={(e) => void saveOperator(e)}>
                  <input
                    type="text"
                    aria-label="操作员"
                    maxLength={50}
                    autoFocus
                    value={operator}
                    onChange={(e) => setOperator(e.target.value)}
                    onKeyDown={(e) => {
                      if (e.key === 'Escape') {
                        setEditingOperator(false);
                        setOperator(settings.operator);
                        setOperatorError(null);
                      }
                    }}
                    data-testid="home-operator-input"
                  />
                  <button type="submit" className="primary" data-testid="home-operator-save">
                    确定
                  </button>
                  <button
                    type="button"
                    onClick={() => {
                      setEditingOperator(false);
                      setOperator(settings.operator);
                      setOperatorError(null);
                    }}
                  >
                    取消
                  </button>
                  {operatorError && <span className="field-msg error">{operatorError}</span>}
                </form>
              ) : (
                <>
                  <span data-testid="home-operator">{settings.operator}</span>
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      setOperator(settings.operator);
                      setEditingOperator(true);
                    }}
                    data-testid="home-operator-change"
                  >
                    更换操作员
                  </button>
                </>
              )}
            </td>
          </tr>
        </tbody>
      </table>

      <div className="tiles">
        <Tile label="人员" testid="home-persons" value={summary?.persons} onClick={() => navigate({ page: 'list', table: 'person' })} />
        <Tile label="单位" testid="home-units" value={summary?.units} onClick={() => navigate({ page: 'list', table: 'unit' })} />
        <Tile
          label="错误"
          kind="error"
          testid="home-errors"
          value={summary?.issues.error}
          note="须全部更正后才能导出上报"
          onClick={() => navigate({ page: 'issues' })}
        />
        <Tile
          label="警告"
          kind="warning"
          testid="home-warnings"
          value={summary?.issues.warning}
          note={summary ? `已说明 ${countText(summary.explained)}，待说明 ${countText(summary.unexplainedWarnings)}` : ''}
          noteTestid="home-explained"
          onClick={() => navigate({ page: 'issues' })}
        />
      </div>
    </div>
  );
}

interface TileProps {
  label: string;
  value: number | undefined;
  testid: string;
  onClick: () => void;
  kind?: 'error' | 'warning';
  note?: string;
  noteTestid?: string;
}

function Tile({ label, value, testid, onClick, kind, note, noteTestid }: TileProps) {
  return (
    <button type="button" className={kind ? `tile tile-${kind}` : 'tile'} onClick={onClick}>
      <span className="tile-label">{label}</span>
      <span className="tile-value" data-testid={testid}>
        {value === undefined ? '—' : countText(value)}
      </span>
      {note !== undefined && (
        <span className="tile-note" data-testid={noteTestid}>
          {note}
        </span>
      )}
    </button>
  );
}
