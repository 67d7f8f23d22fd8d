/**
 * 重复人员: a person reported by two or more areas, their records side by side, and the decision —
 * which area counts them, or that they are not the same person (an ID number is wrong) — with a reason.
 */
import { useCallback, useEffect, useState } from 'react';
import type { MethodOutput } from '../../../../shared/api/contract';
import { personFields } from '../../../../shared/census/dictionary';
import { call, errorMessage } from '../../api/client';
import { ErrorBanner } from '../../components/ErrorBanner';
import { displayValue } from '../../lib/format';
import { localDateTime } from '../../lib/format';
import { lastName } from './format';

type List = MethodOutput<'packages.duplicates'>;
type Item = List['items'][number];

const SHOWN = ['name', 'sex', 'birthDate', 'phone', 'education', 'qualLevel', 'certNumber', 'township', 'postCategory', 'personCategory', 'staffing', 'employmentType', 'primaryDomain'];
const shownFields = personFields.filter((f) => SHOWN.includes(f.key));

export function DuplicatesPanel({ onDecided }: { onDecided: () => void }) {
  const [status, setStatus] = useState<'pending' | 'decided' | ''>('pending');
  const [list, setList] = useState<List | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    call('packages.duplicates', { ...(status ? { status } : {}), limit: 100 })
      .then(setList)
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [status]);
  useEffect(load, [load]);

  return (
    <section data-testid="pkg-duplicates">
      <h2>重复人员</h2>
      <p className="hint">同一证件号码由两个以上地区报送。请与相关地区核实后决定由哪个地区计入；若确认不是同一人（其中一个证件号码填错），选择“不是同一人”，两条记录都计入，并通知有关地区更正。待决定期间，汇总时每人只计一次。</p>
      <ErrorBanner message={error} onClose={() => setError(null)} />
      <div className="io-row">
        <label>
          显示{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)} data-testid="dup-filter">
            <option value="pending">待决定</option>
            <option value="decided">已决定</option>
            <option value="">全部</option>
          </select>
        </label>
        {list && (
          <span>
            待决定 <b data-testid="dup-pending">{list.pending}</b>，已决定 <b>{list.decided}</b>
          </span>
        )}
      </div>
      {list && list.items.length === 0 && <p className="hint">没有{status === 'pending' ? '待决定的' : status === 'decided' ? '已决定的' : ''}重复人员。</p>}
      {list?.items.map((item) => (
        <Case
          key={item.idNumber}
          item={item}
          onSaved={() => {
            load();
            onDecided();
          }}
        />
      ))}
      {list && list.total > list.items.length && <p className="io-more">另有 {list.total - list.items.length} 人未列出，处理后会依次显示。</p>}
    </section>
  );
}

function Case({ item, onSaved }: { item: Item; onSaved: () => void }) {
  const [choice, setChoice] = useState(item.decision?.chosenArea ?? '');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function save() {
    setBusy(true);
    setError(null);
    try {
      await call('packages.decideDuplicate', { idNumber: item.idNumber, chosenArea: choice, reason });
      setReason('');
      onSaved();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="pkg-case" data-testid="dup-case" data-id-number={item.idNumber}>
      <h3>
        证件号码 {item.idNumber}
        <span className={`pkg-status ${item.status === 'pending' ? 'pkg-missing' : 'pkg-received'}`}>{item.status === 'pending' ? '待决定' : '已决定'}</span>
      </h3>
      <div className="pkg-side">
        {item.records.map((r) => (
          <div key={r.id} className={`pkg-card${r.counted === false ? ' pkg-not-counted' : ''}`} data-testid="dup-record" data-area={r.areaCode}>
            <h4>
              {lastName(r.areaName)}（{r.areaCode}）{r.counted === true && <span className="ok"> 计入</span>}
              {r.counted === false && <span className="count-warning"> 不计入</span>}
            </h4>
            <dl>
              <dt>所在单位</dt>
              <dd>{r.unitName ?? '—'}</dd>
              {shownFields.map((f) => (
                <div key={f.key} className="pkg-kv">
                  <dt>{f.label}</dt>
                  <dd data-field={f.key}>{displayValue(f, r.data[f.key], { townships: new Map(r.townshipName ? [[String(r.data.township), r.townshipName]] : []) }) || '—'}</dd>
                </div>
              ))}
              {r.originAreaName && r.originArea !== r.areaCode && (
                <>
                  <dt>经由</dt>
                  <dd>{lastName(r.originAreaName)}</dd>
                </>
              )}
            </dl>
          </div>
        ))}
      </div>
      {item.decision && (
        <p className="banner banner-ok" data-testid="dup-decision">
          {item.decision.chosenArea === 'error' ? '不是同一人（证件号码有误），各自计入' : `由 ${lastName(item.decision.chosenAreaName ?? item.decision.chosenArea)} 计入`}
          。理由：{item.decision.reason}（{item.decision.source === 'package' ? `下级 ${item.decision.decidedBy} 的决定` : item.decision.operator}，{localDateTime(item.decision.at, false)}）
        </p>
      )}
      {item.staleDecision && (
        <p className="banner banner-warn">此前的决定（{item.staleDecision.reason}）针对的报送地区已变化，需要重新决定。</p>
      )}
      <ErrorBanner message={error} onClose={() => setError(null)} />
      <div className="pkg-decide">
        {item.areas.map((a) => (
          <label key={a.code}>
            <input type="radio" name={`dup-${item.idNumber}`} value={a.code} checked={choice === a.code} onChange={() => setChoice(a.code)} data-testid={`dup-choose-${a.code}`} /> 由{lastName(a.name)}计入
          </label>
        ))}
        <label>
          <input type="radio" name={`dup-${item.idNumber}`} value="error" checked={choice === 'error'} onChange={() => setChoice('error')} data-testid="dup-choose-error" /> 不是同一人（证件号码有误）
        </label>
        <input type="text" placeholder="理由（必填），如：已电话核实，本人现在庐阳区工作" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} data-testid="dup-reason" />
        <button type="button" className="primary" disabled={!choice || !reason.trim() || busy} onClick={() => void save()} data-testid="dup-save">
          {item.decision ? '修改决定' : '保存决定'}
        </button>
      </div>
    </div>
  );
}
