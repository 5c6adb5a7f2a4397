// A model that comes as a stream (standard input: `curl -sL URL | kerascope -`) has no file to read
// by position, and the HDF5 engine can only open files. So it is kept in a temporary file as it
// comes — counted before each piece is written, never past MAX_STREAM_BYTES (a stream that goes on
// is never written whole), 64 kB runs of zeros left as holes — and read as a file named `name`.
// The file goes when its source is closed, when the run ends, or on SIGINT/SIGTERM/SIGHUP (temp.ts).
// Nothing sits beside it: a tfjs model.json's shards or a SavedModel's variables/ cannot come this way.
import { closeSync, ftruncateSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { UnreadableError } from '../errors.js';
import { FileSource } from './file-source.js';
import { MAX_INFLATED_BYTES } from './keras-zip/limits.js';
import { oneLine } from './text.js';
import { makeTempDir, removeTempDir, writeSparse } from './temp.js';

/** The most of a stream kept: the 1 GiB a file may inflate to (keras-zip/limits.ts), one documented number. */
export const MAX_STREAM_BYTES = MAX_INFLATED_BYTES;

/** `stream` in a temporary file, as a source named `name` (closing it removes the file); an empty stream or one past `cap` is one line. */
export async function streamToFile(stream: AsyncIterable<Uint8Array>, name: string, cap = MAX_STREAM_BYTES): Promise<FileSource> {
  const dir = makeTempDir();
  const remove = () => removeTempDir(dir);
  try {
    const path = join(dir, 'stream');
    const size = await spool(stream, path, name, cap);
    if (size === 0) throw new UnreadableError(name, 'empty input');
    return FileSource.open(path, name, remove);
  } catch (e) {
    remove();
    throw e;
  }
}

async function spool(stream: AsyncIterable<Uint8Array>, path: string, name: string, cap: number): Promise<number> {
  const fd = openSync(path, 'w', 0o600);
  let size = 0;
  try {
    for await (const piece of stream) {
      if (size + piece.length > cap) {
        throw new UnreadableError(name, `more than ${cap.toLocaleString('en-US')} bytes (the most kerascope keeps of a stream): save it to a file and name the file`);
      }
      writeSparse(fd, Buffer.from(piece.buffer, piece.byteOffset, piece.length), size);
      size += piece.length;
    }
    ftruncateSync(fd, size);
    return size;
  } catch (e) {
    throw e instanceof UnreadableError ? e : new UnreadableError(name, `cannot keep the stream: ${oneLine(e)}`);
  } finally {
    closeSync(fd);
  }
}
