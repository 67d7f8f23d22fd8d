/**
 * Signing, fingerprints and the passphrase envelope, with Node's crypto only.
 *
 * Envelope (docs/package-format.md): "HCPKGENC" | uint32 BE header length | header JSON |
 * AES-256-GCM ciphertext of the zip | 16-byte tag. The key comes from scrypt over the passphrase
 * (NFC, UTF-8) with the N, r, p and salt written in the header; the magic, length and header are
 * the GCM additional data, so changing a parameter is detected like changing the data.
 */
import {
  createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes,
  scryptSync, sign, verify, type CipherGCM, type KeyObject,
} from 'node:crypto';
import { z } from 'zod';
import { ApiError } from '../../../../shared/api/errors';
import { ENVELOPE, formatFingerprint } from '../../../../shared/package';

export interface KeyPair {
  /** Raw 32-byte public key, base64 */
  publicKey: string;
  /** PKCS#8 DER, base64 */
  privateKey: string;
  /** SHA-256 hex of the raw public key */
  fingerprint: string;
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function fingerprintOf(rawPublicKey: Uint8Array): string {
  return sha256Hex(rawPublicKey);
}

export { formatFingerprint };

export function generateOfficeKey(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicKey(publicKey);
  return {
    publicKey: raw.toString('base64'),
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    fingerprint: fingerprintOf(raw),
  };
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

export function signBytes(privateKeyBase64: string, data: Uint8Array): Buffer {
  const key = createPrivateKey({ key: Buffer.from(privateKeyBase64, 'base64'), format: 'der', type: 'pkcs8' });
  return sign(null, data, key);
}

/** False for a wrong signature and for a public key that is not a valid Ed25519 point */
export function verifySignature(rawPublicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  if (rawPublicKey.length !== 32 || signature.length !== 64) return false;
  try {
    return verify(null, data, publicKeyObject(rawPublicKey), signature);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Envelope

const MAGIC = Buffer.from(ENVELOPE.magic, 'ascii');
const PREFIX = MAGIC.length + 4;

const headerSchema = z.object({
  format: z.literal('headcount-encrypted'),
  version: z.literal(1),
  kdf: z.object({
    name: z.literal('scrypt'),
    N: z.number().int().min(1024).max(ENVELOPE.maxN).refine((n) => (n & (n - 1)) === 0),
    r: z.number().int().min(1).max(ENVELOPE.maxR),
    p: z.number().int().min(1).max(ENVELOPE.maxP),
    salt: z.string().regex(/^[A-Za-z0-9+/]+=*$/),
  }).refine((k) => 128 * k.N * k.r <= ENVELOPE.maxScryptBytes, 'scrypt memory over the limit'),
  cipher: z.object({ name: z.literal('aes-256-gcm'), iv: z.string().regex(/^[A-Za-z0-9+/]+=*$/) }),
});
export type EnvelopeHeader = z.infer<typeof headerSchema>;

export function isEnvelope(data: Uint8Array): boolean {
  return data.length >= MAGIC.length && Buffer.from(data.buffer, data.byteOffset, MAGIC.length).equals(MAGIC);
}

function deriveKey(passphrase: string, salt: Buffer, kdf: { N: number; r: number; p: number }): Buffer {
  const maxmem = 128 * kdf.N * kdf.r * kdf.p + 16 * 1024 * 1024;
  return scryptSync(Buffer.from(passphrase.normalize('NFC'), 'utf8'), salt, 32, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem });
}

/** The envelope's head (magic, length, header) and the cipher that encrypts what follows */
export function startEncryption(passphrase: string): { head: Buffer; cipher: CipherGCM } {
  const salt = randomBytes(ENVELOPE.saltBytes);
  const iv = randomBytes(ENVELOPE.ivBytes);
  const header: EnvelopeHeader = {
    format: 'headcount-encrypted',
    version: 1,
    kdf: { name: 'scrypt', ...ENVELOPE.scrypt, salt: salt.toString('base64') },
    cipher: { name: 'aes-256-gcm', iv: iv.toString('base64') },
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(json.length);
  const head = Buffer.concat([MAGIC, len, json]);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(passphrase, salt, header.kdf), iv);
  cipher.setAAD(head);
  return { head, cipher };
}

const bad = (message: string, reason: string) => new ApiError('invalid_file', message, { reason });

/** The zip inside an envelope; a wrong passphrase and a damaged file both fail the GCM tag. */
export function decryptEnvelope(data: Buffer, passphrase: string | undefined): Buffer {
  if (data.length < PREFIX) throw bad('加密上报包已截断，文件不完整', 'truncated');
  const len = data.readUInt32BE(MAGIC.length);
  if (len > ENVELOPE.maxHeaderBytes || PREFIX + len + ENVELOPE.tagBytes > data.length)
    throw bad('加密上报包的文件头已损坏或文件不完整', 'envelope_header');
  let header: EnvelopeHeader;
  try {
    header = headerSchema.parse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(PREFIX, PREFIX + len))));
  } catch {
    throw bad('加密上报包的文件头已损坏，或由不支持的版本生成', 'envelope_header');
  }
  if (header.kdf.N * header.kdf.r * header.kdf.p > ENVELOPE.maxScryptWork)
    throw bad(`加密上报包要求的解密计算量异常大（scrypt N=${header.kdf.N}, r=${header.kdf.r}, p=${header.kdf.p}），不是 Headcount 生成的文件，已拒绝`, 'kdf_too_costly');
  if (passphrase === undefined || passphrase === '') throw bad('这是加密的上报包，请输入口令', 'passphrase_required');
  const salt = Buffer.from(header.kdf.salt, 'base64');
  const iv = Buffer.from(header.cipher.iv, 'base64');
  if (salt.length < 8 || iv.length !== ENVELOPE.ivBytes) throw bad('加密上报包的文件头已损坏', 'envelope_header');
  const key = deriveKey(passphrase, salt, header.kdf);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(data.subarray(0, PREFIX + len));
  decipher.setAuthTag(data.subarray(data.length - ENVELOPE.tagBytes));
  try {
    return Buffer.concat([decipher.update(data.subarray(PREFIX + len, data.length - ENVELOPE.tagBytes)), decipher.final()]);
  } catch {
    throw bad('口令不正确，无法解密上报包（如口令无误，则文件已损坏）', 'wrong_passphrase');
  }
}
