import { Readable } from 'node:stream'

/**
 * A file as a Node stream. Not fs.createReadStream: it cannot open files embedded in the compiled binary
 * (the demo export under /$bunfs), while Bun.file can; a read error surfaces to the consumer the same way.
 */
export const fileStream = (path: string): Readable =>
  Readable.fromWeb(Bun.file(path).stream() as unknown as import('node:stream/web').ReadableStream)
