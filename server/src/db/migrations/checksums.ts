/**
 * Migration checksums exactly as each tool computes them, so that "modified"
 * means what the tool itself would say:
 *
 * - sqlx: SHA-384 of the migration's SQL as loaded (the file's bytes, UTF-8),
 *   stored as 48 raw bytes (`bytea` / `BLOB`) in `_sqlx_migrations.checksum`.
 * - Prisma: SHA-256 hex (64 chars) of `migration.sql`. When checking, the
 *   schema engine also accepts the script with CRLF turned into LF and LF into
 *   CRLF (git may rewrite line endings), and the old checksums written without
 *   zero-padding (prisma-engines issue 1887): `prismaChecksumMatches`.
 * - Flyway: `java.util.zip.CRC32` fed line by line (Flyway's
 *   ChecksumCalculator / LoadableResource: `BufferedReader.readLine()`, a BOM
 *   stripped from the first line, each line's UTF-8 bytes without its
 *   terminator), stored as a signed 32-bit int.
 */
import { createHash } from 'node:crypto';

/** sqlx: the 48 bytes of SHA-384 over the file's bytes. */
export function sqlxChecksum(bytes: Uint8Array): Buffer {
  return createHash('sha384').update(bytes).digest();
}

/** Prisma: lowercase hex SHA-256 of the script. */
export function prismaChecksum(script: string | Uint8Array): string {
  return createHash('sha256').update(script).digest('hex');
}

/** Whether Prisma's schema engine accepts `recorded` as the checksum of `script` (see above). */
export function prismaChecksumMatches(script: string, recorded: string): boolean {
  const variants = [script, script.replace(/\r\n/g, '\n'), script.replace(/\n/g, '\r\n')];
  return variants.some((text) => {
    const digest = createHash('sha256').update(text).digest();
    // The old format printed each byte with `{:x}`, without zero-padding.
    const formatted = recorded.length !== 0 && recorded.length !== 64 ? [...digest].map((b) => b.toString(16)).join('') : digest.toString('hex');
    return formatted === recorded;
  });
}

/**
 * Flyway: CRC32 over the lines of the file (Java's `readLine` ends a line at
 * `\n`, `\r` or `\r\n` and drops the terminator; a final terminator starts no
 * new line), as a signed 32-bit integer.
 */
export function flywayChecksum(bytes: Uint8Array): number {
  let text = Buffer.from(bytes).toString('utf8');
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  let crc = 0;
  for (const line of text.split(/\r\n|\r|\n/)) crc = crc32(Buffer.from(line, 'utf8'), crc);
  return crc | 0;
}

/**
 * IEEE CRC-32 (the polynomial of java.util.zip.CRC32), continuing from `crc`.
 * Written out rather than taken from node:zlib, whose `crc32` is missing from
 * the Node 20 builds older VS Code versions run the server on.
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** QueryLens's own table for plain numbered folders: SHA-256 hex of the file's bytes. */
export function plainChecksum(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Raw bytes from the database (pg's Buffer, SQLite's Uint8Array) as lowercase hex. */
export function hexOf(value: unknown): string | undefined {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (typeof value === 'string') return value.startsWith('\\x') ? value.slice(2).toLowerCase() : value.toLowerCase();
  return undefined;
}
