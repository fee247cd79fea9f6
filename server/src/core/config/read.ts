/**
 * The one way QueryLens reads a file it did not write: only a regular file
 * (a FIFO would block forever, `/dev/zero` never ends, a folder is no text),
 * of bounded size, and optionally only inside a given folder. The file is
 * opened non-blocking and checked on the open handle, so nothing swapped in
 * between a check and the read can make it hang; at most `maxBytes` are read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** `.querylens.json` and the small files that describe migrations (alembic.ini, migration_lock.toml). */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** SQL and host code read from the workspace: larger is no source file anyone edits. */
export const MAX_SOURCE_BYTES = 64 * 1024 * 1024;

export interface ReadLimits {
  maxBytes: number;
  /** The file's real path (symbolic links resolved) must be inside this folder. */
  within?: string;
}

/** `error` says why the file was not read (to follow "Cannot read x: "); `missing` when it does not exist. */
export type ReadResult = { text: string; error?: undefined } | { text?: undefined; error: string; missing?: boolean };

const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

export async function readTextFile(file: string, limits: ReadLimits): Promise<ReadResult> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    if (limits.within !== undefined) {
      const outside = outsideReason(await fs.promises.realpath(file), await fs.promises.realpath(limits.within), file, limits.within);
      if (outside) return { error: outside };
    }
    handle = await fs.promises.open(file, OPEN_FLAGS);
    const stats = await handle.stat();
    const refused = refusal(stats, limits.maxBytes);
    if (refused) return { error: refused };
    const into = new Accumulator(stats.size, limits.maxBytes);
    while (!into.full()) {
      const room = into.room();
      into.add((await handle.read(into.buffer, into.length, room, null)).bytesRead);
    }
    return into.result();
  } catch (error) {
    return { error: describeError(error), missing: (error as NodeJS.ErrnoException).code === 'ENOENT' };
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** The synchronous twin, for the few small files read while detecting migrations. */
export function readTextFileSync(file: string, limits: ReadLimits): ReadResult {
  let fd: number | undefined;
  try {
    if (limits.within !== undefined) {
      const outside = outsideReason(fs.realpathSync(file), fs.realpathSync(limits.within), file, limits.within);
      if (outside) return { error: outside };
    }
    fd = fs.openSync(file, OPEN_FLAGS);
    const refused = refusal(fs.fstatSync(fd), limits.maxBytes);
    if (refused) return { error: refused };
    const into = new Accumulator(fs.fstatSync(fd).size, limits.maxBytes);
    while (!into.full()) {
      const room = into.room();
      into.add(fs.readSync(fd, into.buffer, into.length, room, null));
    }
    return into.result();
  } catch (error) {
    return { error: describeError(error), missing: (error as NodeJS.ErrnoException).code === 'ENOENT' };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * The bytes read so far, in a buffer sized for the file as it was when opened
 * and grown (up to one byte over the limit) if it grows while being read.
 */
class Accumulator {
  buffer: Buffer;
  length = 0;
  private ended = false;

  constructor(
    size: number,
    private readonly maxBytes: number,
  ) {
    this.buffer = Buffer.alloc(Math.min(size, maxBytes) + 1);
  }

  full(): boolean {
    return this.ended || this.length > this.maxBytes;
  }

  /** Room for the next read; call it before reading into `buffer` (it may grow it). */
  room(): number {
    if (this.length === this.buffer.length) {
      const bigger = Buffer.alloc(Math.min(this.buffer.length * 2, this.maxBytes + 1));
      this.buffer.copy(bigger);
      this.buffer = bigger;
    }
    return this.buffer.length - this.length;
  }

  /** Counts `bytesRead` (0: the end of the file). */
  add(bytesRead: number): void {
    this.length += bytesRead;
    this.ended = bytesRead === 0;
  }

  result(): ReadResult {
    if (this.length > this.maxBytes) return { error: tooLarge(this.length, this.maxBytes) };
    return { text: this.buffer.toString('utf8', 0, this.length) };
  }
}

/** Whether a real path is the real folder itself or lies inside it (both resolved: no link left to follow). */
export function isWithin(realFolder: string, real: string): boolean {
  const rel = path.relative(realFolder, real);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function outsideReason(real: string, realFolder: string, file: string, folder: string): string | undefined {
  const rel = path.relative(realFolder, real);
  if (rel !== '' && isWithin(realFolder, real)) return undefined;
  const target = real === path.resolve(file) ? '' : ` (it leads to ${real})`;
  return `it is outside the folder ${folder}${target}; QueryLens reads only files inside the folder`;
}

function refusal(stats: fs.Stats, maxBytes: number): string | undefined {
  if (!stats.isFile()) return `it is not a regular file (it is ${kindOf(stats)})`;
  if (stats.size > maxBytes) return tooLarge(stats.size, maxBytes);
  return undefined;
}

function kindOf(stats: fs.Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

function tooLarge(size: number, maxBytes: number): string {
  return `it is larger than the limit of ${formatBytes(maxBytes)} (${size > maxBytes + 1 ? formatBytes(size) : 'more'})`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1).replace(/\.0$/, '')} KB`;
  return `${bytes} bytes`;
}

function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'it does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'its symbolic links form a loop';
  if (code === 'EISDIR') return 'it is a folder';
  return error instanceof Error ? error.message : String(error);
}
