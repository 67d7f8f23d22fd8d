import type { Progress } from '../../lib/files';

/** The running task's label and share done, with a cancel button while cancelling is possible. */
export function ProgressBar({ progress, onCancel, cancelling }: { progress: Progress | null; onCancel?: () => void; cancelling?: boolean }) {
  const pct = progress && progress.total > 0 ? Math.min(100, Math.round((progress.done / progress.total) * 100)) : 0;
  return (
    <div className="io-progress" data-testid="io-progress" role="status">
      <div className="io-progress-label">{cancelling ? '正在取消…' : (progress?.label ?? '正在准备…')}</div>
      <progress max={100} value={pct} aria-label="进度" />
      <span className="io-progress-pct">{pct}%</span>
      {onCancel && (
        <button type="button" onClick={onCancel} disabled={cancelling} data-testid="io-cancel">
          取消
        </button>
      )}
    </div>
  );
}
