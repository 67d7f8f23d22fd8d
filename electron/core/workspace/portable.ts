/**
 * Where the census lives. Normally in the user's profile; in portable mode beside the program, so
 * the program folder on a USB stick carries its database and backups from one office machine to
 * the next. Portable mode is on when a file named `portable.txt` sits beside the program (the
 * clerk creates it; its content is ignored) or HEADCOUNT_PORTABLE=1. HEADCOUNT_DATA_DIR overrides both.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export const PORTABLE_FLAG_FILE = 'portable.txt';
/** The data folder beside the program in portable mode */
export const PORTABLE_DATA_DIR = 'HeadcountData';

export interface DataLocation {
  dataDir: string;
  portable: boolean;
  /** Why this place was chosen, for the status screen and logs */
  reason: 'env' | 'portable_flag' | 'portable_env' | 'default';
}

export function resolveDataLocation(opts: { programDir: string; defaultDir: string; env?: NodeJS.ProcessEnv }): DataLocation {
  const env = opts.env ?? process.env;
  if (env.HEADCOUNT_DATA_DIR) return { dataDir: path.resolve(env.HEADCOUNT_DATA_DIR), portable: false, reason: 'env' };
  const beside = path.join(opts.programDir, PORTABLE_DATA_DIR);
  if (env.HEADCOUNT_PORTABLE === '1') return { dataDir: beside, portable: true, reason: 'portable_env' };
  if (existsSync(path.join(opts.programDir, PORTABLE_FLAG_FILE))) return { dataDir: beside, portable: true, reason: 'portable_flag' };
  return { dataDir: opts.defaultDir, portable: false, reason: 'default' };
}

/**
 * The folder the user sees as "the program": for a packaged app the one holding the executable —
 * except an AppImage, which runs from a temporary mount, so the folder holding the .AppImage file —
 * and for a source checkout the repository.
 */
export function programDirOf(opts: { isPackaged: boolean; execPath: string; appPath: string; env?: NodeJS.ProcessEnv }): string {
  const env = opts.env ?? process.env;
  if (!opts.isPackaged) return opts.appPath;
  if (env.APPIMAGE) return path.dirname(env.APPIMAGE);
  if (env.PORTABLE_EXECUTABLE_DIR) return env.PORTABLE_EXECUTABLE_DIR;
  return path.dirname(opts.execPath);
}
