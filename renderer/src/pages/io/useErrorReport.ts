import { useCallback, useState } from 'react';
import { call } from '../../api/client';
import { newTaskId, saveKept, type Progress } from '../../lib/files';
import { useTaskProgress } from '../../lib/hooks';

export interface ErrorReportRun {
  /** A report is being built (its progress below) */
  busy: boolean;
  progress: Progress | null;
  /** Builds the report for these files (all when none), saves it when it lists anything; answers how many records it lists */
  run(scope: { file?: string; files?: string[] }): Promise<number>;
}

/**
 * 问题表 with its progress: a census-size report takes seconds (100k records with issues: 6–9 s), and
 * until the file is there the page says how far it is.
 */
export function useErrorReport(): ErrorReportRun {
  const [taskId, setTaskId] = useState<string | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  useTaskProgress(taskId, setProgress);
  const run = useCallback(async (scope: { file?: string; files?: string[] }) => {
    const id = newTaskId('error-report');
    setProgress(null);
    setTaskId(id);
    try {
      const r = await call('io.errorReport', { ...scope, taskId: id });
      if (r.rows > 0) await saveKept(r);
      return r.rows;
    } finally {
      setTaskId(null);
      setProgress(null);
    }
  }, []);
  return { busy: taskId !== null, progress, run };
}
