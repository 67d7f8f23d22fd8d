/**
 * 上报与汇总: a county exports its return package; a city or province also gets the merge
 * workspace — the completeness board, importing packages, the duplicates view and the key register.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CensusSettings, MethodOutput } from '../../../../shared/api/contract';
import { call, errorMessage } from '../../api/client';
import { ErrorBanner } from '../../components/ErrorBanner';
import { BoardPanel } from './BoardPanel';
import { DuplicatesPanel } from './DuplicatesPanel';
import { SentFeedback } from '../feedback/SentFeedback';
import { ExportPanel } from './ExportPanel';
import { ImportPanel } from './ImportPanel';
import { KeysPanel } from './KeysPanel';
import { censusKey, useKept, useKeptEnd } from '../../lib/kept-task';
import './packages.css';

type Tab = 'board' | 'duplicates' | 'feedback' | 'export' | 'keys';
/** How often the board is read while a merge runs (a quick read: 10–60 ms of the core's time at a province's million) */
const BOARD_EVERY_MS = 2_000;
const tabs: { id: Tab; label: string }[] = [
  { id: 'board', label: '报送情况与导入' },
  { id: 'duplicates', label: '重复人员' },
  { id: 'feedback', label: '审核退回' },
  { id: 'export', label: '向上级上报' },
  { id: 'keys', label: '签名密钥' },
];

export function PackagesPage({ settings }: { settings: CensusSettings }) {
  const merging = settings.level !== 'county';
  const [tab, setTab] = useState<Tab>(merging ? 'board' : 'export');
  const [board, setBoard] = useState<MethodOutput<'packages.board'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  /** The next read is a merge's quick look (see packages.board) */
  const quick = useRef(false);
  const refresh = useCallback(() => {
    quick.current = false;
    setVersion((v) => v + 1);
  }, []);
  useEffect(() => {
    if (!merging) return;
    call('packages.board', { quick: quick.current })
      .then(setBoard)
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [merging, version]);
  // The board is read again when a merge ends, though this page may have opened while it ran (the board then
  // shows the packages written so far)
  const census = censusKey(settings);
  useKeptEnd('merge', census, refresh);
  // And as it goes: a province's merge runs for tens of seconds, and a board that stays at 已报 0 until the end
  // looks as if nothing were arriving. At most every few seconds, as the merge moves on to another file.
  const kept = useKept<unknown>('merge', census);
  const filesDone = kept && !kept.ended && kept.progress?.phase === 'write' ? kept.progress.done : null;
  const lastRead = useRef(0);
  useEffect(() => {
    if (!merging || !filesDone || Date.now() - lastRead.current < BOARD_EVERY_MS) return;
    lastRead.current = Date.now();
    quick.current = true;
    setVersion((v) => v + 1);
  }, [merging, filesDone]);

  return (
    <div className="page pkg-page" data-testid="packages-page">
      <div className="page-head">
        <h1>{merging ? '上报与汇总' : '上报'}</h1>
      </div>
      <ErrorBanner message={error} onClose={() => setError(null)} />
      {merging && (
        <div className="pkg-tabs" role="tablist">
          {tabs.map((t) => (
            <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} onClick={() => setTab(t.id)} data-testid={`pkg-tab-${t.id}`}>
              {t.label}
              {t.id === 'duplicates' && board && (board.pendingDuplicates ?? 0) > 0 && <span className="badge error">{board.pendingDuplicates}</span>}
            </button>
          ))}
        </div>
      )}
      {merging && tab === 'board' && (
        <>
          {board && <BoardPanel board={board} onDuplicates={() => setTab('duplicates')} />}
          <ImportPanel census={census} />
        </>
      )}
      {merging && tab === 'duplicates' && <DuplicatesPanel onDecided={refresh} />}
      {merging && tab === 'feedback' && <SentFeedback board={board} onChanged={refresh} />}
      {tab === 'export' && <ExportPanel census={census} onExported={refresh} />}
      {(tab === 'keys' || !merging) && <KeysPanel refresh={version} showTrusted={merging} />}
    </div>
  );
}
