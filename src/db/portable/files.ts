// Where dumps are read from and written to: a file (gzip when its name ends in .gz; gzip is
// recognised by its magic bytes on the way in) or, with `-`, standard input/output.
import { createReadStream, createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { pipeline, Readable, type Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { StringDecoder } from 'node:string_decoder'
import { createGunzip, createGzip } from 'node:zlib'

export interface DumpOutput {
  stream: Writable
  /** Flushes and closes; a file appears under its name only now, complete. */
  finish(): Promise<void>
  /** Removes what was written so far. */
  abort(): Promise<void>
}

export function openOutput(path: string): DumpOutput {
  if (path === '-') {
    return { stream: process.stdout, finish: async () => {}, abort: async () => {} }
  }
  const partial = `${path}.partial`
  const file = createWriteStream(partial)
  const gzip = path.endsWith('.gz') ? createGzip({ level: 3 }) : undefined
  if (gzip) pipeline(gzip, file, () => {})
  const stream = gzip ?? file
  return {
    stream,
    async finish() {
      stream.end()
      await finished(file)
      await rename(partial, path)
    },
    async abort() {
      stream.destroy()
      file.destroy()
      await rm(partial, { force: true })
    },
  }
}

/** The dump's lines, decompressed if need be; a read or gzip error (a cut file) ends it with that error. */
export async function* readDumpLines(path: string): AsyncGenerator<string> {
  const source = path === '-' ? process.stdin : createReadStream(path)
  yield* splitLines(decompressIfGzip(source))
}

async function* decompressIfGzip(source: Readable): AsyncGenerator<Buffer> {
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  const first = await chunks.next()
  if (first.done) return
  const head = first.value
  async function* all() {
    yield head
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value
  }
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    yield* all()
    return
  }
  const gunzip = createGunzip()
  pipeline(Readable.from(all()), gunzip, () => {})
  yield* gunzip
}

export async function* splitLines(
  chunks: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8')
  let rest = ''
  for await (const chunk of chunks) {
    const lines = (rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk))).split('\n')
    rest = lines.pop() ?? ''
    for (const line of lines) if (line) yield line
  }
  rest += decoder.end()
  if (rest) yield rest
}
