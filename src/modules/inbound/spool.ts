// A message's data as it arrives over SMTP: small ones (nearly all mail) in memory, anything
// larger in a private temp file as it streams, so a message over the limit (a client need not
// announce SIZE) is never held, and a large one is read back once. The file costs seven system
// calls and thread-pool hops a message; a typical 5 KB message needs none of that.
import { randomUUID } from 'node:crypto'
import { createWriteStream, type WriteStream } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { finished } from 'node:stream/promises'

/** Up to this many bytes a message stays in memory; past it, it goes to a temp file. */
export const IN_MEMORY_BYTES = 256 * 1024

/**
 * Reads `stream` to its end. The whole message, or undefined when it exceeded `maxBytes` (the
 * rest was read, as the client is still sending it, but not kept).
 */
export async function receiveData(
  stream: Readable & { sizeExceeded?: boolean },
  maxBytes: number,
  inMemoryBytes = IN_MEMORY_BYTES,
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  let spool: { path: string; file: WriteStream } | undefined
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > maxBytes) continue
      if (!spool && size > inMemoryBytes) {
        const path = join(tmpdir(), `sts-inbound-${randomUUID()}.eml`)
        spool = { path, file: createWriteStream(path, { flags: 'wx', mode: 0o600 }) }
        for (const held of chunks.splice(0)) await write(spool.file, held)
      }
      if (spool) await write(spool.file, chunk)
      else chunks.push(chunk)
    }
    if (stream.sizeExceeded || size > maxBytes) return undefined
    if (!spool) return Buffer.concat(chunks, size)
    spool.file.end()
    await finished(spool.file)
    return await readFile(spool.path)
  } finally {
    if (spool) await discard(spool)
  }
}

/** Writes with backpressure: waits for the file to drain when its buffer is full. */
async function write(file: WriteStream, chunk: Buffer): Promise<void> {
  if (file.write(chunk)) return
  await new Promise<void>((resolve, reject) => {
    const onDrain = () => {
      file.off('error', onError)
      resolve()
    }
    const onError = (error: Error) => {
      file.off('drain', onDrain)
      reject(error)
    }
    file.once('drain', onDrain)
    file.once('error', onError)
  })
}

/**
 * Closes the spool file and removes it. Whatever the stream still had queued (a write, even its
 * open) fails once it is destroyed: moot, the file goes; waiting for `close` first makes sure a
 * late open cannot recreate it after the removal.
 */
async function discard({ path, file }: { path: string; file: WriteStream }): Promise<void> {
  file.on('error', () => undefined)
  if (!file.closed) {
    const closed = new Promise<void>((resolve) => file.once('close', () => resolve()))
    file.destroy()
    await closed
  }
  await rm(path, { force: true })
}
