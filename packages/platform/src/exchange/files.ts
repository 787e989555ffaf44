import fs from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { FileEncryptor, type PackageKey } from './package-crypto.ts';

const chunkBytes = 1 << 20;

/** Reads a file in 1 MiB chunks, synchronously, so a large file never sits in memory whole. */
export function* readChunks(file: string): Generator<Buffer> {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    for (;;) {
      const read = fs.readSync(fd, buffer, 0, chunkBytes, null);
      if (read === 0) return;
      yield Buffer.from(buffer.subarray(0, read));
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Returns a file's length and SM3 digest (hex). */
export function digestFile(file: string): { bytes: number; sm3: string } {
  const hash = createHash('sm3');
  let bytes = 0;
  for (const chunk of readChunks(file)) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sm3: hash.digest('hex') };
}

/** One line of an NDJSON file, numbered from 1; `terminated` is false for a last line without its newline. */
export interface NdjsonLine {
  number: number;
  text: string;
  terminated: boolean;
}

/** Splits a stream of chunks into lines at each 0x0a byte, decoding each whole line as UTF-8. */
export function* splitLines(chunks: Iterable<Buffer>): Generator<NdjsonLine> {
  let rest = Buffer.alloc(0);
  let number = 0;
  for (const chunk of chunks) {
    let buffer = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    let newline = buffer.indexOf(0x0a);
    while (newline >= 0) {
      yield { number: ++number, text: buffer.toString('utf8', 0, newline), terminated: true };
      buffer = buffer.subarray(newline + 1);
      newline = buffer.indexOf(0x0a);
    }
    rest = Buffer.from(buffer);
  }
  if (rest.length > 0) yield { number: ++number, text: rest.toString('utf8'), terminated: false };
}

/**
 * Writes one NDJSON data file of a package, encrypting it when a package key is given, and
 * tracks the length and SM3 digest of the bytes on disk for the manifest.
 */
export class NdjsonWriter {
  readonly #fd: number;
  readonly #hash: Hash = createHash('sm3');
  readonly #encryptor: FileEncryptor | null;
  #buffered: Buffer[] = [];
  #bufferedBytes = 0;
  #bytes = 0;
  #records = 0;

  constructor(file: string, name: string, key: PackageKey | null) {
    this.#fd = fs.openSync(file, 'wx', 0o600);
    this.#encryptor = key ? new FileEncryptor(key, name) : null;
    if (this.#encryptor) this.#emit(this.#encryptor.header());
  }

  /** Appends one record as a JSON line. */
  write(record: unknown): void {
    const line = Buffer.from(`${JSON.stringify(record)}\n`);
    this.#records += 1;
    this.#emit(this.#encryptor ? this.#encryptor.update(line) : line);
  }

  /** Writes the tag of an encrypted file, closes it and returns what the manifest records. */
  close(): { bytes: number; sm3: string; records: number } {
    if (this.#encryptor) this.#emit(this.#encryptor.final());
    this.#flush();
    fs.fsyncSync(this.#fd);
    fs.closeSync(this.#fd);
    return { bytes: this.#bytes, sm3: this.#hash.digest('hex'), records: this.#records };
  }

  /** Closes the file without finishing it, after a failed export. */
  abort(): void {
    fs.closeSync(this.#fd);
  }

  #emit(bytes: Buffer): void {
    this.#hash.update(bytes);
    this.#bytes += bytes.length;
    this.#buffered.push(bytes);
    this.#bufferedBytes += bytes.length;
    if (this.#bufferedBytes >= 1 << 16) this.#flush();
  }

  #flush(): void {
    if (this.#bufferedBytes === 0) return;
    fs.writeSync(this.#fd, Buffer.concat(this.#buffered));
    this.#buffered = [];
    this.#bufferedBytes = 0;
  }
}
