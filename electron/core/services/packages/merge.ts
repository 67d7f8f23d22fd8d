/**
 * Merging sub-area packages into a city or province census. Each package is read and checked in
 * full first (readPackage), then judged against this census (area, reference date, sequence, key
 * trust, overlapping areas, record id clashes), and only then written in one transaction that
 * replaces exactly the records that area's earlier package brought. The same package again changes
 * nothing; an older sequence is refused.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { MethodOutput } from '../../../../shared/api/contract';
import { isMergeReason, type MergeReason, type MergeResult, type VerifyResult } from '../../../../shared/api/methods/packages';
import { ApiError } from '../../../../shared/api/errors';
import { formatFingerprint } from '../../../../shared/package';
import { countText } from '../../../../shared/reports/format';
import type { OpenTransaction, PackageRow, SqlValue } from '../../db';
import { isoNow, requireSettings, touch, type ServiceContext } from '../context';
import { duplicateGroups, duplicateGroupsFor, pendingCasesPerPackage } from './duplicates';
import { trustKey, trustStatus, type TrustStatus } from './keys';
import { isEnvelope } from './crypto';
import { areaCodesOfPackage } from './origins';
import type { KnownPackage, ParsedPackage } from './read';
import { packedChunks, type RowSource } from './packed-rows';
import type { TableName } from '../../../../shared/census/dictionary';
import { readPackageIsolated as readPackage } from '../../worker/package';
import { countingEnv } from '../reports/env';
import { keepPackageCounts } from '../reports/person-counts';
import { beginBulk, BULK_COMMIT_PERSONS, bytesOf, readAhead, worthBulk, type Bulk, type PackageFile, type ReadOutcome } from './bulk';

export type { PackageFile };

export interface MergeOptions {
  trustKeys?: readonly { areaCode: string; fingerprint: string }[];
  /** CLI --trust-new-keys: trust the key of an area that has none registered (never a changed key) */
  trustNewKeys?: boolean;
  taskId?: string | undefined;
  /** Count the pending duplicate cases of the whole census afterwards (a full scan; the CLI skips it) */
  countPending?: boolean;
  /** Fewest incoming persons for a bulk load (tests lower it; default BULK_MIN_PERSONS) */
  bulkMinPersons?: number;
}

type Judged =
  | { kind: 'final'; result: MergeResult }
  | {
    kind: 'ready'; result: MergeResult; pkg: ParsedPackage; old: PackageRow | null; trust: TrustStatus; approved: boolean;
    /** The area codes whose records the package replaces (its area's earlier package's), and those persons' ids */
    replaced: readonly string[]; replacedPersons: readonly string[];
  };

function emptyResult(file: string): MergeResult {
  return {
    file, area: null, areaName: null, level: null, sequence: null, packageId: null, officeName: null,
    status: 'refused', reason: null, added: 0, replaced: 0, removed: 0, units: { added: 0, replaced: 0, removed: 0 },
    duplicatesHeld: 0, message: '', encrypted: false, trust: null, fingerprint: null, fingerprintHex: null, knownFingerprint: null,
  };
}

/** The closed merge reason for a failure: a file-level problem of the package is `invalid_package`. */
function reasonOf(e: ApiError): MergeReason {
  const reason = (e.details as { reason?: unknown } | undefined)?.reason;
  if (isMergeReason(reason)) return reason;
  if (e.code === 'invalid_file') return 'invalid_package';
  return e.code === 'cancelled' ? 'cancelled' : 'failed';
}

function refusedFrom(e: unknown, result: MergeResult): MergeResult {
  if (e instanceof ApiError) return { ...result, status: 'refused', reason: reasonOf(e), message: e.message };
  throw e;
}

/** Page cache while merging: keeps a province's index pages in memory between packages */
export const MERGE_CACHE_MB = 64;

const levelName = { county: '区县', city: '市州', province: '省' } as const;

function diff(oldIds: readonly string[], newIds: readonly string[]) {
  const old = new Set(oldIds);
  let replaced = 0;
  for (const id of newIds) if (old.has(id)) replaced++;
  return { added: newIds.length - replaced, replaced, removed: old.size - replaced };
}

/** Reads one file and judges it against the census; writes nothing. */
async function judge(ctx: ServiceContext, file: PackageFile, opts: MergeOptions, preview: boolean, read?: Promise<ReadOutcome>): Promise<Judged> {
  const settings = requireSettings(ctx);
  let result = emptyResult(file.name);
  let pkg: ParsedPackage;
  if (read) {
    const r = await read;
    if (!r.ok) return { kind: 'final', result: refusedFrom(r.error, result) };
    pkg = r.pkg;
  } else {
    try {
      pkg = await readPackage(bytesOf(file), { fileName: file.name, passphrase: file.passphrase, countRowsOnly: preview });
    } catch (e) {
      return { kind: 'final', result: refusedFrom(e, result) };
    }
  }
  const h = pkg.head;
  result = {
    ...result,
    area: h.areaCode, areaName: h.areaName, level: h.level, sequence: h.sequence, packageId: h.packageId, officeName: h.officeName,
    encrypted: pkg.encrypted, fingerprint: formatFingerprint(pkg.signer.fingerprint), fingerprintHex: pkg.signer.fingerprint,
  };
  const refuse = (reason: MergeReason, message: string): Judged => ({ kind: 'final', result: { ...result, status: 'refused', reason, message } });

  if (settings.level === 'county')
    return refuse('not_upper_level', '区县级统计调查不能合并上报包；请在市州或省级统计调查中合并');
  if (h.refDate !== settings.refDate)
    return refuse('ref_date', `上报包的统计时点为 ${h.refDate}，与本次统计调查的 ${settings.refDate} 不同，已拒绝`);
  const here = ctx.divisions.resolve(settings.areaCode) ?? settings.areaCode;
  const there = ctx.divisions.resolve(h.areaCode);
  if (!there || there === here || !ctx.divisions.isWithin(there, here))
    return refuse('outside_area', `上报包来自 ${h.areaName}（${h.areaCode}），不属于本级（${settings.areaName}）的下级地区，已拒绝`);
  for (const code of new Set([...pkg.persons.areaCodes, ...pkg.units.areaCodes])) {
    if (!ctx.divisions.isWithin(code, there))
      return refuse('record_outside', `上报包中有地区代码为 ${code} 的记录，不属于 ${h.areaName}，已拒绝`);
  }

  const old = ctx.store.packages.currentFor(h.areaCode);
  // A package is the same one only by its id, its signed content and its signer together: an id
  // alone can be copied into a package signed by anyone.
  if (old?.id === h.packageId) {
    if (old.signerFingerprint !== pkg.signer.fingerprint) {
      const status = trustStatus(ctx, h.areaCode, pkg.signer.fingerprint);
      return {
        kind: 'final',
        result: {
          ...result, status: 'refused', reason: 'key_changed', trust: status.status, knownFingerprint: formatFingerprint(old.signerFingerprint),
          message: `这个文件沿用了已合并的 ${h.areaName} 第 ${h.sequence} 次上报包的编号，但签名密钥不同（已合并的指纹：${formatFingerprint(old.signerFingerprint)}；本文件：${result.fingerprint}）。它不是同一个上报包，已拒绝；请与 ${h.areaName} 电话核实`,
        },
      };
    }
    if (old.manifestSha256 !== pkg.manifestSha256)
      return refuse('same_id_different_content', `这个文件沿用了已合并的 ${h.areaName} 第 ${h.sequence} 次上报包的编号，但内容不同。请 ${h.areaName} 重新导出（序号加一）后再报送`);
    return { kind: 'final', result: { ...result, status: 'unchanged', reason: 'same_package', message: `该上报包（${h.areaName} 第 ${h.sequence} 次）已经合并过，未作任何改动` } };
  }
  // Read only to its manifest as a merged package, but no longer the current one (written since the
  // preview or merge began): judged again from a full read.
  if (pkg.known) return judge(ctx, file, opts, preview);
  const seen = ctx.store.packages.get(h.packageId);
  if (seen && seen.status === 'superseded')
    return refuse('older_sequence', `该上报包（第 ${seen.sequence} 次）已被 ${h.areaName} 后来的上报包取代，不能再合并`);
  if (old && h.sequence < old.sequence)
    return refuse('older_sequence', `这是 ${h.areaName} 的第 ${h.sequence} 次上报，本级已合并第 ${old.sequence} 次；较旧的上报包不能覆盖较新的，已拒绝`);
  if (old && h.sequence === old.sequence)
    return refuse('same_sequence', `${h.areaName} 的第 ${h.sequence} 次上报已合并过，但这个文件内容不同（上报包编号不同）。请该地区重新导出后再报送`);
  for (const p of ctx.store.packages.current()) {
    if (p.areaCode === h.areaCode) continue;
    const pc = ctx.divisions.resolve(p.areaCode) ?? p.areaCode;
    if (ctx.divisions.isWithin(pc, there) || ctx.divisions.isWithin(there, pc))
      return refuse('overlap', `本级已合并 ${p.areaName} 的上报包，与 ${h.areaName} 的上报包地区重叠，不能同时合并`);
  }

  const { status: trust, knownFingerprint } = trustStatus(ctx, h.areaCode, pkg.signer.fingerprint);
  const approved = (opts.trustKeys ?? []).some((k) => k.areaCode === h.areaCode && k.fingerprint.toLowerCase() === pkg.signer.fingerprint);
  result = { ...result, trust, knownFingerprint: knownFingerprint ? formatFingerprint(knownFingerprint) : null };

  const oldAreas = old ? areaCodesOfPackage(old) : [];
  // A merge finds clashes through the unique id index inside its transaction (or, in a bulk merge,
  // its ids in memory first: bulk.ts); the preview asks first.
  // Nothing stored under other areas (a province's first preview): nothing to clash with, no lookups.
  const othersHold = preview ? { person: ctx.store.packages.anyNotFrom('person', oldAreas), unit: ctx.store.packages.anyNotFrom('unit', oldAreas) } : null;
  if (othersHold) {
    const clashes = [
      ...(othersHold.person ? ctx.store.packages.idsNotFrom('person', pkg.persons.ids, oldAreas) : []),
      ...(othersHold.unit ? ctx.store.packages.idsNotFrom('unit', pkg.units.ids, oldAreas) : []),
    ];
    if (clashes.length) return refuse('id_conflict', clashMessage(clashes.length));
  }

  const replacedPersons = old ? ctx.store.packages.recordIds('person', oldAreas) : [];
  const persons = diff(replacedPersons, pkg.persons.ids);
  const units = diff(old ? ctx.store.packages.recordIds('unit', oldAreas) : [], pkg.units.ids);
  result = { ...result, ...persons, units, duplicatesHeld: othersHold ? estimateDuplicates(ctx, pkg, oldAreas, othersHold.person) : 0 };

  let reason: MergeReason | null = null;
  let message = old
    ? `将以第 ${h.sequence} 次上报替换第 ${old.sequence} 次：新增 ${countText(persons.added)} 人，替换 ${countText(persons.replaced)} 人，删除 ${countText(persons.removed)} 人`
    : `将新增 ${h.areaName} 的 ${countText(persons.added)} 人、${countText(units.added)} 个单位`;
  if (trust === 'new' && !approved && !opts.trustNewKeys) {
    reason = 'untrusted_key';
    message = `首次收到 ${h.areaName}（${h.officeName}）的上报包。请与对方电话核对密钥指纹 ${result.fingerprint}，确认无误后信任该密钥再合并`;
  } else if (trust === 'changed' && !approved) {
    reason = 'key_changed';
    message = `${h.areaName} 的上报包签名密钥与此前登记的不同（登记的指纹：${result.knownFingerprint}；本包：${result.fingerprint}）。如对方确实更换了电脑或密钥，请电话核实后重新确认信任，否则不要合并`;
  }
  return {
    kind: 'ready',
    result: { ...result, status: 'ready', reason, message },
    pkg,
    old,
    trust,
    approved: approved || (trust === 'new' && Boolean(opts.trustNewKeys)),
    replaced: oldAreas,
    replacedPersons,
  };
}

function clashMessage(n: number | null): string {
  return `上报包中有${n === null ? '' : ` ${n} 条`}记录的编号与本库中其他来源的记录相同（可能是同一份数据被重复报送），已拒绝`;
}

/**
 * Cases the package would create: its ID numbers also carried by another area's records. Each row's area
 * comes from the reader (`rowAreas`), so the packed rows are never decoded here; doing so, and a Set per ID
 * number, took ~5 s of this thread in the preview of a province's million persons.
 */
function estimateDuplicates(ctx: ServiceContext, pkg: ParsedPackage, oldAreas: readonly string[], othersHold: boolean): number {
  // One area and nobody stored elsewhere: no ID number can be in two areas
  if (!othersHold && pkg.persons.areaCodes.size <= 1) return 0;
  // ID number → its area, or its areas once a second one shows up
  const areaOf = new Map<string, string | Set<string>>();
  const { idNumbers, rowAreas } = pkg.persons;
  for (let i = 0; i < idNumbers.length; i++) {
    const n = idNumbers[i];
    if (!n) continue;
    const area = rowAreas[i]!;
    const had = areaOf.get(n);
    if (had === undefined) areaOf.set(n, area);
    else if (typeof had !== 'string') had.add(area);
    else if (had !== area) areaOf.set(n, new Set([had, area]));
  }
  const cases = new Set<string>();
  const list = othersHold ? [...areaOf.keys()] : [];
  for (let i = 0; i < list.length; i += 5000) {
    for (const other of ctx.store.packages.personsWithIdNumbersNotFrom(list.slice(i, i + 5000), oldAreas)) {
      const mine = areaOf.get(other.idNumber);
      if (mine !== undefined && (typeof mine !== 'string' || mine !== other.areaCode)) cases.add(other.idNumber);
    }
  }
  for (const [n, areas] of areaOf) if (typeof areas !== 'string') cases.add(n);
  return cases.size;
}

/** Area code → the package that first carried its records upward (this one for the sender's own records) */
function firstPackagesOf(pkg: ParsedPackage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of [pkg.units, pkg.persons]) for (const [area, first] of t.firstPackages) out[area] = first || pkg.head.packageId;
  return out;
}

/** Writes one judged package in a single transaction */
function commit(ctx: ServiceContext, j: Extract<Judged, { kind: 'ready' }>, countHeld: boolean): MergeResult {
  const settings = requireSettings(ctx);
  const { pkg, old } = j;
  const h = pkg.head;
  const now = isoNow(ctx);
  ctx.store.tx(() => {
    if (j.trust !== 'trusted')
      trustKey(ctx, { areaCode: h.areaCode, fingerprint: pkg.signer.fingerprint, publicKey: pkg.signer.publicKey, officeName: h.officeName }, settings.operator);
    if (old) {
      ctx.store.packages.removePackageData(old.id, areaCodesOfPackage(old));
      ctx.store.packages.supersede(old.id, h.packageId);
    }
    ctx.store.packages.insertPackage({
      id: h.packageId, areaCode: h.areaCode, areaName: h.areaName, level: h.level, refDate: h.refDate, sequence: h.sequence,
      officeName: h.officeName, operator: h.operator, createdAt: h.createdAt, appVersion: h.appVersion, divisionsVersion: h.divisionsVersion,
      schemaVersion: h.schemaVersion, persons: h.counts.persons, units: h.counts.units, explanations: h.counts.explanations,
      declaredErrors: h.counts.errors, declaredWarnings: h.counts.warnings, declaredUnexplained: h.counts.unexplainedWarnings,
      declaredPending: h.counts.pendingDuplicates, sources: JSON.stringify(h.sources),
      areaCodes: JSON.stringify([...new Set([...pkg.persons.areaCodes, ...pkg.units.areaCodes])].sort()),
      firstPackages: JSON.stringify(firstPackagesOf(pkg)), signerFingerprint: pkg.signer.fingerprint,
      manifestSha256: pkg.manifestSha256, fileName: pkg.fileName, receivedAt: now, receivedBy: settings.operator, status: 'current',
      supersededBy: null,
    });
    if (h.coverage) ctx.store.feedback.setCoverage(h.packageId, h.coverage);
    // Answers to our 核实意见: only for items we sent to this package's area or the areas below it.
    if (h.feedbackAnswers?.length)
      ctx.store.feedback.applyAnswers([h.areaCode, ...pkg.persons.areaCodes, ...pkg.units.areaCodes], h.feedbackAnswers, h.packageId);
    insertRows(ctx, 'unit', pkg.units.rows);
    insertRows(ctx, 'person', pkg.persons.rows);
    if (pkg.personCounts) keepPackageCounts(ctx, h.packageId, pkg.manifestSha256, pkg.personCounts);
    ctx.store.packages.insertExplanations(pkg.explanations);
    ctx.store.packages.insertAudit(h.packageId, pkg.audit);
    ctx.store.packages.insertDecisions(h.packageId, pkg.decisions);
    ctx.store.audit.append([{
      table: 'person', recordId: '*', action: 'import', field: null, oldValue: old ? JSON.stringify({ package: old.id, sequence: old.sequence }) : null,
      newValue: JSON.stringify({ package: h.packageId, area: h.areaCode, sequence: h.sequence, file: pkg.fileName, persons: h.counts.persons, units: h.counts.units }),
      operator: settings.operator, at: now,
    }]);
  });
  touch(ctx);
  const merged: MergeResult = { ...j.result, status: 'merged', reason: null };
  return countHeld ? withHeld(ctx, merged, [...new Set(pkg.persons.idNumbers.filter((n): n is string => Boolean(n)))]) : merged;
}

/**
 * A record id already stored under another area: the units' primary key, or the persons' unique id index
 * (migration 010). Only that index's violation is a clash: another unique index (one current package per
 * area, one active key per area) failing is a different fault and keeps its own message.
 */
function isIdClash(e: unknown): boolean {
  const { code, message } = e as { code?: unknown; message?: unknown };
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || (code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof message === 'string' && message.endsWith('persons.id'));
}

/** Packed rows (packed-rows.ts) go to SQLite as they are, a chunk a statement; others one by one */
function insertRows(ctx: ServiceContext, table: TableName, rows: RowSource): void {
  const p = rows.packed;
  if (!p) {
    ctx.store.packages.insertRecords(table, rows);
    return;
  }
  let n = 0;
  for (const chunk of packedChunks(p)) n += ctx.store.packages.insertPackedRecords(table, chunk);
  if (n !== p.length) throw new Error(`packed ${table} rows: ${n} inserted, ${p.length} read`);
}

/** The merged result with its pending duplicate cases counted (needs the ID-number index) */
function withHeld(ctx: ServiceContext, r: MergeResult, idNumbers: readonly string[]): MergeResult {
  let held = 0;
  for (let i = 0; i < idNumbers.length; i += 5000) held += duplicateGroupsFor(ctx, idNumbers.slice(i, i + 5000)).filter((g) => !g.decision).length;
  return heldResult(r, held);
}

function heldResult(r: MergeResult, held: number): MergeResult {
  return {
    ...r,
    duplicatesHeld: held,
    message: `${r.areaName} 第 ${r.sequence} 次上报已合并：新增 ${countText(r.added)} 人，替换 ${countText(r.replaced)} 人，删除 ${countText(r.removed)} 人${held ? `；${countText(held)} 人同时由其他地区报送，已列入重复人员待处理` : ''}`,
  };
}

/**
 * The packages merged now, as a reader recognises them (ReadOptions.known): one picked again is judged
 * 已经合并过 from its signed manifest, by the preview and the merge alike
 */
function knownPackages(ctx: ServiceContext): KnownPackage[] {
  return ctx.store.packages.current().map((p) => ({ packageId: p.id, signerFingerprint: p.signerFingerprint, manifestSha256: p.manifestSha256 }));
}

function requireUpperLevel(ctx: ServiceContext): void {
  const s = requireSettings(ctx);
  if (s.level === 'county') throw new ApiError('conflict', `本统计调查是${levelName[s.level]}级，不能合并上报包；请在市州或省级统计调查中合并`);
}

export async function previewPackages(ctx: ServiceContext, files: readonly PackageFile[], opts: MergeOptions = {}): Promise<MergeResult[]> {
  requireUpperLevel(ctx);
  const out: MergeResult[] = [];
  const taskId = opts.taskId ?? 'preview';
  // The next file is read in the worker while this one is judged, as the merge does. Judging needs the
  // records' ids, areas and ID numbers, not their rows: those are checked but not kept (bench/README,
  // session 26: with judge's lookups skipped, a province's 100 packages 8.2–8.6 → 6.5–6.6 s). A package
  // merged already (a folder picked again) is read no further than its signed manifest.
  const next = readAhead(files, { countRowsOnly: true, known: knownPackages(ctx) });
  for (const [i, f] of files.entries()) {
    ctx.events.emit('progress', { taskId, label: `正在校验 ${f.name}（第 ${i + 1} / ${files.length} 个）`, done: i, total: files.length, phase: 'check' });
    out.push((await judge(ctx, f, opts, true, next(i))).result);
  }
  ctx.events.emit('progress', { taskId, label: '校验完成', done: files.length, total: files.length, phase: 'done' });
  return out;
}

/** Each file on its own, all-or-nothing, in the order given; one failure never stops the rest. */
export async function mergePackages(ctx: ServiceContext, files: readonly PackageFile[], opts: MergeOptions = {}): Promise<MethodOutput<'packages.merge'>> {
  requireUpperLevel(ctx);
  ctx.store.packages.ensureCache(MERGE_CACHE_MB);
  const results: MergeResult[] = [];
  const taskId = opts.taskId ?? 'merge';
  const next = readAhead(files, { counting: countingEnv(ctx), known: knownPackages(ctx) });
  let bulk: Bulk | null = null;
  // Bulk: several packages per commit, each in its own savepoint (all-or-nothing as before). The
  // commit stays open only while the next package is already read, so nothing else of this
  // connection (the bridge answering the UI) ever runs inside it.
  let open: OpenTransaction | null = null;
  let pending = 0;
  const flush = () => {
    open?.commit();
    open = null;
    pending = 0;
  };
  try {
    for (const [i, f] of files.entries()) {
      ctx.events.emit('progress', { taskId, label: `正在合并 ${f.name}`, done: i, total: files.length, phase: 'write' });
      const j = await judge(ctx, f, opts, false, next(i));
      if (j.kind === 'final') {
        results.push(j.result);
      } else if (j.result.reason === 'untrusted_key' || j.result.reason === 'key_changed') {
        results.push({ ...j.result, status: 'refused' });
      } else {
        // Judged on the first package to write: the rest of the files are taken to be of its size.
        const incoming = j.pkg.persons.rows.length * (files.length - i);
        if (!bulk && results.every((r) => r.status !== 'merged') && worthBulk(ctx, incoming, opts.bulkMinPersons)) bulk = beginBulk(ctx, incoming);
        if (bulk && !open) open = ctx.store.openTx();
        // Without the id index: the ids checked in memory first (a hit brings the index back, which then refuses a clash)
        const replaced = new Set(j.replaced);
        const hashes = bulk?.ids.admit(j.pkg.persons.ids, replaced) ?? null;
        const single = j.pkg.persons.areaCodes.size === 1 ? [...j.pkg.persons.areaCodes][0]! : null;
        // A city's package holds several counties: each id is filed under its own (the reader kept them, so the packed rows are never decoded here)
        const areas = hashes && single === null ? j.pkg.persons.rowAreas : undefined;
        try {
          results.push(commit(ctx, j, bulk === null));
          pending += j.pkg.persons.rows.length;
          if (hashes) bulk!.ids.merged(hashes, areas ? (k) => areas[k]! : () => single!, j.replacedPersons, replaced);
        } catch (e) {
          // A savepoint's failure leaves the open commit as it was; one SQLite ended altogether (disk
          // full, I/O) took the packages before it too, and the merge stops with the error.
          if (open && !open.open) throw e;
          if (isIdClash(e))
            results.push({ ...j.result, status: 'refused', reason: 'id_conflict', message: clashMessage(null) });
          else results.push(refusedFrom(e, j.result));
        }
        bulk?.ids.written();
      }
      if (open && (pending >= BULK_COMMIT_PERSONS || !next.ready(i + 1))) flush();
    }
    flush();
  } finally {
    // Only after an error: the packages of the open commit were never reported merged
    (open as OpenTransaction | null)?.rollback();
    // The rebuild takes seconds at a province's scale (~3 s of sorts for a million persons), one index at
    // a time with a turn of the event loop before each: the bridge sends an event only once this thread is
    // free, so without the turns the bar stood at the last file's name at 99 % throughout, and every other
    // request waited for all the sorts.
    await (bulk as Bulk | null)?.end(async (i, n) => {
      ctx.events.emit('progress', { taskId, label: `正在重建索引（${i + 1} / ${n}）`, done: i, total: n, phase: 'index' });
      await new Promise<void>((resolve) => setImmediate(resolve));
    });
  }
  if (bulk) {
    // Duplicate cases are found through the ID-number index, which exists again only now: one scan for all packages.
    const merged = [...results.keys()].filter((i) => results[i]!.status === 'merged' && results[i]!.area);
    const areas = merged.map((i) => {
      const pkg = ctx.store.packages.currentFor(results[i]!.area!);
      return pkg ? areaCodesOfPackage(pkg) : [];
    });
    const held = pendingCasesPerPackage(ctx, areas);
    merged.forEach((i, k) => (results[i] = heldResult(results[i]!, held[k]!)));
  }
  ctx.events.emit('progress', { taskId, label: '合并完成', done: files.length, total: files.length, phase: 'done' });
  return { results, pendingDuplicates: opts.countPending === false ? 0 : duplicateGroups(ctx).filter((g) => !g.decision).length };
}

/** Files on this computer (the CLI), each read from disk only when the merge reaches it */
export function mergePackageFiles(ctx: ServiceContext, paths: readonly string[], passphrase: string | undefined, opts: MergeOptions = {}) {
  return mergePackages(ctx, paths.map((p) => ({ name: basename(p), data: () => readFileSync(p), passphrase })), opts);
}

/** Verification without importing; `ctx` (a census) adds the key-trust verdict. */
export async function verifyPackages(ctx: ServiceContext | null, files: readonly PackageFile[]): Promise<VerifyResult[]> {
  const out: VerifyResult[] = [];
  for (const f of files) {
    try {
      // Checked in full; the rows are only counted, as nothing here writes them
      const pkg = await readPackage(bytesOf(f), { fileName: f.name, passphrase: f.passphrase, countRowsOnly: true });
      const h = pkg.head;
      const settings = ctx?.store.settings.get() ?? null;
      const problems: string[] = [];
      if (settings && settings.level !== 'county') {
        if (h.refDate !== settings.refDate) problems.push(`统计时点为 ${h.refDate}，与本次统计调查的 ${settings.refDate} 不同`);
        const here = ctx!.divisions.resolve(settings.areaCode) ?? settings.areaCode;
        const there = ctx!.divisions.resolve(h.areaCode);
        if (!there || there === here || !ctx!.divisions.isWithin(there, here)) problems.push(`来自 ${h.areaName}，不属于本级的下级地区`);
      }
      const trust = ctx && settings ? trustStatus(ctx, h.areaCode, pkg.signer.fingerprint).status : null;
      if (trust === 'changed') problems.push('签名密钥与此前登记的该地区密钥不同');
      out.push({
        file: f.name,
        ok: problems.length === 0,
        problems,
        encrypted: pkg.encrypted,
        package: {
          packageId: h.packageId, areaCode: h.areaCode, areaName: h.areaName, level: h.level, refDate: h.refDate, officeName: h.officeName,
          sequence: h.sequence, createdAt: h.createdAt, appVersion: h.appVersion, persons: h.counts.persons, units: h.counts.units,
          explanations: h.counts.explanations, sources: h.sources.length,
        },
        fingerprint: formatFingerprint(pkg.signer.fingerprint),
        fingerprintHex: pkg.signer.fingerprint,
        trust,
      });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      const details = e.details as { problems?: unknown } | undefined;
      const problems = Array.isArray(details?.problems) ? (details.problems as string[]) : [e.message];
      out.push({ file: f.name, ok: false, problems, encrypted: isEnvelope(bytesOf(f)), package: null, fingerprint: null, fingerprintHex: null, trust: null });
    }
  }
  return out;
}

/** Explicitly (re-)trusts the key that signed a package, for the package's area. */
export async function trustSigner(ctx: ServiceContext, file: PackageFile) {
  const settings = requireSettings(ctx);
  requireUpperLevel(ctx);
  const pkg = await readPackage(bytesOf(file), { fileName: file.name, passphrase: file.passphrase, countRowsOnly: true });
  const h = pkg.head;
  const here = ctx.divisions.resolve(settings.areaCode) ?? settings.areaCode;
  const there = ctx.divisions.resolve(h.areaCode);
  if (!there || there === here || !ctx.divisions.isWithin(there, here))
    throw new ApiError('bad_input', `上报包来自 ${h.areaName}（${h.areaCode}），不属于本级的下级地区，不能登记其密钥`);
  const before = trustStatus(ctx, h.areaCode, pkg.signer.fingerprint);
  trustKey(ctx, { areaCode: h.areaCode, fingerprint: pkg.signer.fingerprint, publicKey: pkg.signer.publicKey, officeName: h.officeName }, settings.operator);
  return {
    areaCode: h.areaCode,
    areaName: h.areaName,
    officeName: h.officeName,
    fingerprint: formatFingerprint(pkg.signer.fingerprint),
    previous: before.knownFingerprint && before.status === 'changed' ? formatFingerprint(before.knownFingerprint) : null,
    already: before.status === 'trusted',
  };
}
