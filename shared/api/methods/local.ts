/**
 * Methods for a caller on this computer (the `headcount` command): they name files by path, so they
 * read and write where the caller says. The window and the browser face never reach them — their
 * transports refuse them (`isFaceMethodName`) and only the CLI's dispatch admits them — so a page
 * can still only hand over uploads and receive downloads, as before.
 */
import { z } from 'zod';
import { method } from '../common';
import { importResultSchema, ioMethods } from './io';
import { packageMethods } from './packages';

const filePath = z.string().min(1).max(4096);
const taskId = z.string().min(1).max(100);
const written = z.object({ path: z.string() });

export const localMethods = {
  /** Imports the files at these paths in one transaction, without a preview (`headcount import`) */
  'io.import.files': method(z.object({ paths: z.array(filePath).min(1), taskId: taskId.optional() }), importResultSchema),
  'io.template.toFile': method(ioMethods['io.template'].input.extend({ outPath: filePath }), written),
  'io.errorReport.toFile': method(ioMethods['io.errorReport'].input.extend({ outPath: filePath }), written.extend({ rows: z.number().int() })),
  'io.export.toFile': method(
    ioMethods['io.export'].input.extend({ outPath: filePath }),
    ioMethods['io.export'].output.omit({ fileName: true, downloadId: true, size: true }).extend({ path: z.string() }),
  ),
  /**
   * The package files at these paths merged as one bulk merge (`headcount merge`), each read from
   * disk only when its turn comes; each package all-or-nothing as in packages.merge
   */
  'packages.merge.files': method(
    packageMethods['packages.merge'].input.omit({ files: true }).extend({ paths: z.array(filePath).min(1).max(10_000), passphrase: z.string().optional() }),
    packageMethods['packages.merge'].output,
  ),
  /** The package written to `outPath` under the name given there (recorded in the export history) */
  'packages.export.toFile': method(
    packageMethods['packages.export'].input.omit({ taskId: true }).extend({ outPath: filePath }),
    packageMethods['packages.export'].output.omit({ downloadId: true, size: true }).extend({ path: z.string() }),
  ),
} as const;

export type LocalMethodName = keyof typeof localMethods;

export function isLocalMethodName(name: string): name is LocalMethodName {
  return Object.prototype.hasOwnProperty.call(localMethods, name);
}
