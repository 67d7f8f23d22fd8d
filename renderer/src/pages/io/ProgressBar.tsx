import type { Progress } from '../../lib/files';

/**
 * The running task's label and share done, with a cancel button while cancelling is possible. A step that cannot
 * tell its share (one transaction) shows a moving bar and no figure, rather than a 0 % that looks stuck.
 */
export function ProgressBar({ progress, onCancel, cancelling }: { progress: Progress | null; onCancel?: () => void; cancelling?: boolean }) {
  const pct = progress && progress.total > 0 ? Math.min(100, Math.round((progress.done / progress.total) * 100)) : 0;
  const measured = progress?.measured !== false;
  return (
    <div className="io-progress" data-testid="io-progress" data-measured={measured} role="status">
      <div className="io-progress-label">{cancelling ? '正在取消…' : (progress?.label ?? '正在准备…')}</div>
      {measured ? <progress max={100} value={pct} aria-label="进度" /> : <progress aria-label="进度" />}
      <span className="io-progress-pct">{measured ? `${pct}%` : ''}</span>
      {onCancel && (
        <button type="button" onClick={onCancel} disabled={cancelling} data-testid="io-cancel">
          取消
        </button>
      )}
    </div>
  );
}
