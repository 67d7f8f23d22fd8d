/** The backups of the open census file, newest first, each restorable after a confirmation. */
import { useState } from 'react';
import type { BackupEntry } from '../../../../shared/api/methods/workspace';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { localDateTime } from '../../lib/format';
import { fileSize } from './format';

interface Props {
  backups: BackupEntry[];
  newestGood: string | null;
  busy: boolean;
  /** What the confirmation says happens to the current file */
  currentNote: string;
  onRestore: (b: BackupEntry) => void;
}

const count = (n: number | null) => (n === null ? '—' : n.toLocaleString('zh-CN'));

export function BackupsTable({ backups, newestGood, busy, currentNote, onRestore }: Props) {
  const [confirming, setConfirming] = useState<BackupEntry | null>(null);
  if (backups.length === 0) {
    return (
      <p className="meta" data-testid="backups-empty">
        还没有备份。程序打开数据库时和使用中每隔一段时间会自动备份，也可以点“立即备份”。
      </p>
    );
  }
  return (
    <>
      <table className="data-table backups-table" data-testid="backups-table">
        <thead>
          <tr>
            <th>备份时间</th>
            <th>大小</th>
            <th>地区</th>
            <th>人员</th>
            <th>单位</th>
            <th>状态</th>
            <th className="ops">操作</th>
          </tr>
        </thead>
        <tbody>
          {backups.map((b) => (
            <tr key={b.name} data-testid="backup-row" data-name={b.name} className={b.ok ? undefined : 'backup-bad'}>
              <td title={b.name}>
                {localDateTime(b.at)}
                {b.name === newestGood && <span className="badge newest">最近的完好备份</span>}
              </td>
              <td data-testid="backup-size">{fileSize(b.size)}</td>
              <td>{b.areaName ?? '—'}</td>
              <td data-testid="backup-persons">{count(b.persons)}</td>
              <td data-testid="backup-units">{count(b.units)}</td>
              <td data-testid="backup-state">{b.ok ? <span className="ok">完好</span> : <span className="bad">{b.problem ?? '不可用'}</span>}</td>
              <td className="ops">
                <button type="button" className="link" disabled={!b.ok || busy} onClick={() => setConfirming(b)} data-testid="backup-restore">
                  恢复
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {confirming && (
        <ConfirmDialog
          title="从备份恢复"
          message={`把数据库恢复到 ${localDateTime(confirming.at)} 的备份（人员 ${count(confirming.persons)}，单位 ${count(confirming.units)}）？${currentNote}`}
          confirmLabel="恢复"
          danger
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            const b = confirming;
            setConfirming(null);
            onRestore(b);
          }}
        />
      )}
    </>
  );
}
