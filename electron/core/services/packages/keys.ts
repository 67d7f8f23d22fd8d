/**
 * Office keys: this installation's Ed25519 key pair (created on first use, kept in the census
 * database) and the register of sub-area keys: a first package from an area asks to trust its key;
 * a later package signed by another key is refused until someone re-trusts explicitly.
 */
import { formatFingerprint } from '../../../../shared/package';
import type { OfficeKeyRow } from '../../db';
import { isoNow, type ServiceContext } from '../context';
import { generateOfficeKey } from './crypto';

export function ensureOfficeKey(ctx: ServiceContext): OfficeKeyRow {
  const own = ctx.store.keys.own();
  if (own) return own;
  return ctx.store.keys.saveOwn({ ...generateOfficeKey(), createdAt: isoNow(ctx) });
}

/** The own fingerprint for display, or null before the key exists (it is made on first export). */
export function ownFingerprint(ctx: ServiceContext): string | null {
  const own = ctx.store.keys.own();
  return own ? formatFingerprint(own.fingerprint) : null;
}

export type TrustStatus = 'trusted' | 'new' | 'changed';

export function trustStatus(ctx: ServiceContext, areaCode: string, fingerprint: string): { status: TrustStatus; knownFingerprint: string | null } {
  const active = ctx.store.keys.activeFor(areaCode);
  if (!active) return { status: 'new', knownFingerprint: null };
  return { status: active.fingerprint === fingerprint ? 'trusted' : 'changed', knownFingerprint: active.fingerprint };
}

export function trustKey(ctx: ServiceContext, key: { areaCode: string; fingerprint: string; publicKey: string; officeName: string }, operator: string): void {
  ctx.store.keys.trust({ ...key, trustedAt: isoNow(ctx), trustedBy: operator });
}

export function listKeys(ctx: ServiceContext) {
  const own = ctx.store.keys.own();
  return {
    own: own ? { fingerprint: formatFingerprint(own.fingerprint), createdAt: own.createdAt } : null,
    trusted: ctx.store.keys.list().map((k) => ({
      areaCode: k.areaCode,
      areaName: ctx.divisions.get(k.areaCode)?.path ?? k.areaCode,
      fingerprint: formatFingerprint(k.fingerprint),
      officeName: k.officeName,
      trustedAt: k.trustedAt,
      trustedBy: k.trustedBy,
      current: k.replacedAt === null,
      replacedAt: k.replacedAt,
    })),
  };
}

/** The own key (made now unless `create` is false) and the register of trusted sub-area keys */
export function officeKeys(ctx: ServiceContext, opts: { create: boolean }) {
  if (opts.create) ensureOfficeKey(ctx);
  return listKeys(ctx);
}
