/** Shared bits of the package commands: reading package and passphrase files with Chinese errors. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ApiError } from '../../../../shared/api/errors';
import { UsageError } from '../../args';
import type { MethodInput } from '../../../../shared/api/contract';

/** The passphrase is the file's content without one trailing line break. */
export function readPassphrase(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`无法读取口令文件：${path}`);
  }
  const p = text.replace(/\r?\n$/, '');
  if (!p) throw new UsageError(`口令文件是空的：${path}`);
  return p;
}

type PackageUpload = MethodInput<'packages.verify'>['files'][number];

/** A package file from disk in the contract's upload shape, the same one the browser sends. */
export function readPackageUpload(path: string, passphrase: string | undefined): PackageUpload {
  checkPackagePath(path);
  const data = readFileSync(path).toString('base64');
  return passphrase === undefined ? { name: basename(path), dataBase64: data } : { name: basename(path), dataBase64: data, passphrase };
}

/** Refuses, in the clerk's words, a path that is missing or a folder */
export function checkPackagePath(path: string): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new ApiError('not_found', `找不到上报包文件：${path}`);
  }
  if (st.isDirectory()) throw new ApiError('invalid_file', `这是一个文件夹，不是上报包：${path}`);
}

/** Package paths from the command line: a folder stands for the .hcpkg files directly inside it. */
export function expandPackagePaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new ApiError('not_found', `找不到上报包文件：${p}`);
    }
    if (!st.isDirectory()) out.push(p);
    else {
      const found = readdirSync(p).filter((f) => f.toLowerCase().endsWith('.hcpkg')).sort().map((f) => join(p, f));
      if (!found.length) throw new ApiError('not_found', `文件夹中没有 .hcpkg 上报包：${p}`);
      out.push(...found);
    }
  }
  return out;
}
