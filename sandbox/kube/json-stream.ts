import type { Writable } from 'node:stream'

/** Writes strings in ~256 KiB chunks, waiting for 'drain' so a 20,000-item list never sits whole in memory. */
export class ChunkedWriter {
  private buffer: string[] = []
  private size = 0

  constructor(
    private readonly out: Writable,
    private readonly chunkBytes = 256 * 1024
  ) {}

  async write(text: string): Promise<void> {
    this.buffer.push(text)
    this.size += text.length
    if (this.size >= this.chunkBytes) await this.flush()
  }

  async flush(): Promise<void> {
    if (this.size === 0) return
    const chunk = this.buffer.join('')
    this.buffer = []
    this.size = 0
    if (this.out.destroyed) return
    if (!this.out.write(chunk)) await drained(this.out)
  }
}

function drained(out: Writable): Promise<void> {
  return new Promise(resolve => {
    const done = () => {
      out.off('drain', done)
      out.off('close', done)
      resolve()
    }
    out.on('drain', done)
    out.on('close', done)
  })
}

/**
 * Streams `{...head, [arrayKey]: [items...]}` without building the whole document:
 * the head is serialised once and the array spliced in before its closing brace.
 */
export async function streamJsonWithArray<T>(
  out: Writable,
  head: object,
  arrayKey: string,
  items: Iterable<T>,
  serialise: (item: T) => string
): Promise<void> {
  const headJson = JSON.stringify(head)
  const w = new ChunkedWriter(out)
  const open = headJson === '{}' ? '{' : headJson.slice(0, -1) + ','
  await w.write(`${open}${JSON.stringify(arrayKey)}:[`)
  let first = true
  for (const item of items) {
    await w.write((first ? '' : ',') + serialise(item))
    first = false
  }
  await w.write(']}')
  await w.flush()
}
