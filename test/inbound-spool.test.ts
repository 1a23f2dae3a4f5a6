// How the SMTP listener holds a message while it arrives (modules/inbound/spool.ts): small ones in
// memory, large ones in a temp file that is always removed, nothing kept past the limit.
import { readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { PassThrough, Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { receiveData } from '../src/modules/inbound/spool.js'

const spoolFiles = async () => (await readdir(tmpdir())).filter((name) => name.startsWith('sts-inbound-'))

/** A stream of `count` chunks of `size` bytes, each filled with its index, arriving one by one. */
function arriving(count: number, size: number): Readable {
  return Readable.from(Array.from({ length: count }, (_, i) => Buffer.alloc(size, i % 256)))
}

describe('receiveData', () => {
  it('keeps a small message in memory, byte for byte, without touching the disk', async () => {
    const before = await spoolFiles()
    const stream = new PassThrough()
    const received = receiveData(stream, 1_000_000, 1024)
    stream.write(Buffer.from('Subject: hi\r\n\r\n'))
    // Mid-message: no file was created for it.
    await new Promise((resolve) => setImmediate(resolve))
    expect(await spoolFiles()).toEqual(before)
    stream.end(Buffer.from('hello\r\n'))
    expect((await received)?.toString()).toBe('Subject: hi\r\n\r\nhello\r\n')
  })

  it('spools a message past the in-memory size to a file, reads it back whole, and removes the file', async () => {
    const before = await spoolFiles()
    const raw = await receiveData(arriving(40, 1000), 1_000_000, 4096)
    expect(raw).toHaveLength(40_000)
    for (let i = 0; i < 40; i++) expect(raw?.[i * 1000]).toBe(i)
    expect(await spoolFiles()).toEqual(before)
  })

  it('reads a message over the limit to its end but keeps nothing of it', async () => {
    const before = await spoolFiles()
    const source = arriving(100, 1000)
    expect(await receiveData(source, 50_000, 4096)).toBeUndefined()
    expect(source.readableEnded).toBe(true)
    expect(await spoolFiles()).toEqual(before)
  })

  it('honours the SMTP server verdict that the size was exceeded', async () => {
    const stream = Object.assign(Readable.from([Buffer.from('short')]), { sizeExceeded: true })
    expect(await receiveData(stream, 1_000_000)).toBeUndefined()
  })

  it('removes the file when the connection breaks mid-message', async () => {
    const before = await spoolFiles()
    const stream = new PassThrough()
    const received = receiveData(stream, 1_000_000, 10)
    stream.write(Buffer.alloc(100))
    await new Promise((resolve) => setTimeout(resolve, 20))
    stream.destroy(new Error('connection reset'))
    await expect(received).rejects.toThrow('connection reset')
    expect(await spoolFiles()).toEqual(before)
  })
})
