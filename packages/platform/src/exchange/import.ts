import type { Store } from '../store/db.ts';
import { appendAudit, AUDIT_ACTIONS, type AuditActor } from '../audit/log.ts';
import { requireKeyring } from '../crypto/setup.ts';
import { exchangeError } from './errors.ts';
import type { FileKind, Manifest } from './manifest.ts';
import { checkCount, checkReplay, readRecords, verifyPackage, type VerifiedPackage, type VerifyOptions } from './verify.ts';

export interface ImportResult {
  packageId: string;
  senderId: string;
  sequence: number;
  counts: Record<FileKind, number>;
}

/** Associated data that binds an imported record to its package, file and line. */
export const exchangeRecordAad = (packageId: string, kind: string, line: number) => `exchange_records|${packageId}|${kind}|${line}`;

function storeRecords(store: Store, pkg: VerifiedPackage): Record<FileKind, number> {
  const manifest = pkg.manifest;
  const sealer = requireKeyring(store).sealer();
  const insert = store.sqlite.prepare('INSERT INTO exchange_records (package_id, kind, line, sealed) VALUES (?, ?, ?, ?)');
  const counts = {} as Record<FileKind, number>;
  for (const file of manifest.files) {
    let count = 0;
    for (const { line, text } of readRecords(pkg, file)) {
      insert.run(manifest.packageId, file.kind, line, sealer.seal(Buffer.from(text), exchangeRecordAad(manifest.packageId, file.kind, line)));
      count += 1;
    }
    checkCount(file, count);
    counts[file.kind] = count;
  }
  return counts;
}

function recordImport(store: Store, manifest: Manifest, counts: Record<FileKind, number>): void {
  store.sqlite
    .prepare('INSERT INTO exchange_imports (package_id, sender_id, sequence, signer_fingerprint, created_at, period_from, period_to, imported_at, counts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(manifest.packageId, manifest.senderId, manifest.sequence, manifest.signature.keyFingerprint, Date.parse(manifest.createdAt), Date.parse(manifest.period.from), Date.parse(manifest.period.to), Date.now(), JSON.stringify(counts));
}

function importVerified(store: Store, pkg: VerifiedPackage, actor: AuditActor): ImportResult {
  const manifest = pkg.manifest;
  if (!pkg.readable) throw exchangeError('DECRYPT', `Package ${manifest.packageId} is encrypted; give the receiver's encryption key with --receiver-key`, manifest.packageId);
  const sqlite = store.sqlite;
  const counts = sqlite
    .transaction(() => {
      // Checked under the write lock, so two imports of one package cannot both pass.
      checkReplay(store, manifest);
      // The import row goes first: the records refer to it.
      recordImport(store, manifest, { positions: 0, alerts: 0, registry: 0 });
      const stored = storeRecords(store, pkg);
      sqlite.prepare('UPDATE exchange_imports SET counts = ? WHERE package_id = ?').run(JSON.stringify(stored), manifest.packageId);
      appendAudit(store, {
        actor,
        action: AUDIT_ACTIONS.exchangeImported,
        objectType: 'exchange_package',
        objectId: manifest.packageId,
        detail: { senderId: manifest.senderId, sequence: manifest.sequence, from: manifest.period.from, to: manifest.period.to, counts: stored, signer: manifest.signature.keyFingerprint, folder: pkg.dir },
      });
      return stored;
    })
    .immediate();
  return { packageId: manifest.packageId, senderId: manifest.senderId, sequence: manifest.sequence, counts };
}

/**
 * Verifies a package and stores its records in exchange_records, each sealed under the store's
 * data keys, in one transaction with the replay check and the audit entry. A rejected package
 * stores nothing; the rejection is recorded as exchange.import_rejected and rethrown.
 */
export function importPackage(store: Store, dir: string, options: Omit<VerifyOptions, 'checkContents'> & { actor: AuditActor }): ImportResult {
  try {
    // Records are checked while they are stored, so the contents are read once.
    const pkg = verifyPackage(dir, { ...options, checkContents: false });
    return importVerified(store, pkg, options.actor);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code?.startsWith('GONGCHE_ERR_EXCHANGE_')) {
      appendAudit(store, {
        actor: options.actor,
        action: AUDIT_ACTIONS.exchangeImportRejected,
        objectType: 'exchange_package',
        objectId: dir,
        detail: { code, message: (error as Error).message, value: (error as { value?: unknown }).value ?? null },
      });
    }
    throw error;
  }
}

/** Returns the records a package brought in, of one kind, opened from their sealed form, in line order. */
export function importedRecords(store: Store, packageId: string, kind: FileKind): Record<string, unknown>[] {
  const keyring = requireKeyring(store);
  const rows = store.sqlite.prepare('SELECT id, line, sealed FROM exchange_records WHERE package_id = ? AND kind = ? ORDER BY line').all(packageId, kind) as { id: number; line: number; sealed: Buffer }[];
  return rows.map((row) => JSON.parse(keyring.open(row.sealed, exchangeRecordAad(packageId, kind, row.line), `exchange record ${row.id}`).toString('utf8')) as Record<string, unknown>);
}
