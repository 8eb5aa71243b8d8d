import * as fs from 'node:fs';

/** One write(2) of the whole line; a short write is an error, never continued (that would tear). */
export async function writeWhole(fh: fs.promises.FileHandle, bytes: Buffer, position: number): Promise<void> {
  const { bytesWritten } = await fh.write(bytes, 0, bytes.length, position);
  if (bytesWritten !== bytes.length) throw new Error(`short write: ${bytesWritten} of ${bytes.length} bytes (disk full?)`);
}

/** Makes newly created files' directory entries durable. Not possible on every platform: best effort. */
export function syncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Windows cannot open a directory for fsync; NTFS journals directory entries itself.
  }
}
