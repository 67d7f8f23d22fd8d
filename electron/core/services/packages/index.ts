/** Return packages: format reading/writing, keys, export, verify, merge, completeness, duplicates. */
export { completenessBoard, packageHistory } from './completeness';
export { decideDuplicate, duplicateGroups, listDuplicates } from './duplicates';
export { exportCheck, exportForDownload, exportPackage, suggestedFileName, type ExportOptions, type ExportResult } from './export';
export { ensureOfficeKey, listKeys, officeKeys, ownFingerprint, trustKey, trustStatus } from './keys';
export { mergePackageFiles, mergePackages, previewPackages, trustSigner, verifyPackages, type MergeOptions, type PackageFile } from './merge';
export { readPackage, type ParsedPackage } from './read';
export { packageCellsOf, writePackage, type PackageContent } from './write';
