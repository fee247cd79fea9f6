/**
 * Helpers of the migrations tests: a workspace on disk built from files, the
 * checksums the tools themselves compute, worked out independently of
 * server/src/db/migrations (openssl for sqlx / Prisma, Java's CRC32 for Flyway).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { makeWorkspace } from '../migrations/workspace';

export async function workspaceOf(files: Record<string, string | Buffer>): Promise<{ root: string; workspace: Workspace; dispose(): void }> {
  const { root } = makeWorkspace(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? v : v.toString('latin1')])));
  for (const [rel, content] of Object.entries(files)) if (Buffer.isBuffer(content)) writeFileSync(path.join(root, rel), content);
  const workspace = await reload(root);
  return { root, workspace, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** The workspace as scanned afresh (after files were edited or deleted). */
export function reload(root: string): Promise<Workspace> {
  return Workspace.create({ root, config: defaultConfig() });
}

/** `openssl dgst -<algo>` over the file: the digest as hex. */
export function openssl(algo: 'sha384' | 'sha256', file: string): string {
  return execFileSync('openssl', ['dgst', `-${algo}`, '-r', file], { encoding: 'utf8' }).split(' ')[0];
}

/**
 * Flyway's checksum, computed by Java itself: BufferedReader.readLine over the
 * UTF-8 file, a BOM dropped from the first line, java.util.zip.CRC32 updated
 * with each line's UTF-8 bytes, cast to int — the loop of Flyway's
 * ChecksumCalculator.calculateChecksumForResource (flyway-core,
 * org/flywaydb/core/internal/resolver/ChecksumCalculator.java). Undefined
 * when no `java` is installed (the tests then use the values recorded from it).
 */
export function javaFlywayChecksums(files: string[]): number[] | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), 'querylens-flyway-crc-'));
  const source = path.join(dir, 'FlywayCrc.java');
  writeFileSync(
    source,
    `import java.io.*; import java.nio.charset.StandardCharsets; import java.util.zip.CRC32;
public class FlywayCrc { public static void main(String[] args) throws Exception { for (String f : args) {
  CRC32 crc32 = new CRC32();
  try (BufferedReader r = new BufferedReader(new InputStreamReader(new FileInputStream(f), StandardCharsets.UTF_8), 4096)) {
    String line = r.readLine();
    if (line != null) { if (line.startsWith("\\uFEFF")) line = line.substring(1);
      do { crc32.update(line.getBytes(StandardCharsets.UTF_8)); } while ((line = r.readLine()) != null); }
  }
  System.out.println((int) crc32.getValue()); } } }`,
  );
  try {
    return execFileSync('java', [source, ...files], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').map(Number);
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The Flyway fixture: a BOM, CRLF and a lone CR line end, and non-ASCII text, to exercise Flyway's line reading. */
export const FLYWAY_FILES: Record<string, Buffer> = {
  'db/migration/V1__Create_users.sql': Buffer.from('CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL);\n'),
  'db/migration/V1_1__Add_email.sql': Buffer.from('\uFEFFALTER TABLE users ADD COLUMN email text;\r\n\r\n-- café\r\n'),
  'db/migration/U1_1__Add_email.sql': Buffer.from('ALTER TABLE users DROP COLUMN email;\n'),
  'db/migration/V2__Posts.sql': Buffer.from('CREATE TABLE posts (id serial PRIMARY KEY, user_id int REFERENCES users (id));\rCREATE INDEX posts_user_id_idx ON posts (user_id);'),
};

/** Recorded from javaFlywayChecksums on the files above (OpenJDK 17). */
export const FLYWAY_KNOWN: Record<string, number> = {
  'V1__Create_users.sql': 2054675802,
  'V1_1__Add_email.sql': -610956530,
  'U1_1__Add_email.sql': -1839459322,
  'V2__Posts.sql': -299576513,
};
