import { z } from 'zod';
import { exchangeError } from './errors.ts';

export const manifestName = 'manifest.json';
export const signatureName = 'manifest.sig';
export const formatName = 'gongche-exchange';
export const formatVersion = 1;

/** The kinds of data file a package carries, in the order they are written. */
export const fileKinds = ['positions', 'alerts', 'registry'] as const;
export type FileKind = (typeof fileKinds)[number];

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));
const isoTime = z.iso.datetime({ offset: true });

const fileSchema = z.strictObject({
  name: z.string().regex(/^[a-z]+\.ndjson(\.sm4)?$/),
  kind: z.enum(fileKinds),
  bytes: z.number().int().nonnegative(),
  sm3: hex(32),
  records: z.number().int().nonnegative(),
});

const manifestSchema = z.strictObject({
  format: z.literal(formatName),
  version: z.literal(formatVersion),
  packageId: z.uuid(),
  senderId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  sequence: z.number().int().positive(),
  createdAt: isoTime,
  period: z.strictObject({ from: isoTime, to: isoTime }),
  signature: z.strictObject({ algorithm: z.literal('SM2-SM3'), distinguishingId: z.literal(''), keyFingerprint: hex(32) }),
  encryption: z
    .strictObject({
      algorithm: z.literal('SM4-CTR+HMAC-SM3'),
      keyAgreement: z.literal('ECDH-SM2+HKDF-SM3'),
      receiverKeyFingerprint: hex(32),
      ephemeralPublicKey: z.string().regex(/^04[0-9a-f]{128}$/),
      wrappedKey: z.base64(),
    })
    .nullable(),
  files: z.array(fileSchema).length(fileKinds.length),
});

/** The signed description of a package: who sent it, which period, and each data file's length and SM3 digest. */
export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestFile = Manifest['files'][number];

/** Returns the file name of a kind's data: positions.ndjson, or positions.ndjson.sm4 when encrypted. */
export const dataFileName = (kind: FileKind, encrypted: boolean) => `${kind}.ndjson${encrypted ? '.sm4' : ''}`;

/** Serialises a manifest as the exact bytes that are signed and written. */
export function manifestBytes(manifest: Manifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
}

/** Parses signed manifest bytes; a manifest of another format or version fails with GONGCHE_ERR_EXCHANGE_MANIFEST. */
export function parseManifest(bytes: Buffer): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw exchangeError('MANIFEST', `${manifestName} is not valid JSON: ${(error as Error).message}`, manifestName);
  }
  const result = manifestSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw exchangeError('MANIFEST', `${manifestName} is not a ${formatName} version ${formatVersion} manifest: ${issue.path.join('.') || '(root)'}: ${issue.message}`, issue.path.join('.'));
  }
  const manifest = result.data;
  for (const [index, kind] of fileKinds.entries()) {
    const file = manifest.files[index]!;
    if (file.kind !== kind || file.name !== dataFileName(kind, manifest.encryption !== null)) {
      throw exchangeError('MANIFEST', `${manifestName} lists ${file.name} (${file.kind}) where ${dataFileName(kind, manifest.encryption !== null)} was expected`, file.name);
    }
  }
  return manifest;
}
