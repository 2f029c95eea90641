import { basename } from 'node:path'
import { createInterface } from 'node:readline'
import { validateRow, type FileImporter, type ParsedRow } from './types.ts'
import { fileStream } from './file-stream.ts'

/** Generic JSON Lines: one `{"id","type","title","body","fields"}` object per line (plus optional source and dates). */
export const jsonlImporter: FileImporter = {
  kind: 'jsonl',
  async *rows(path, ctx): AsyncGenerator<ParsedRow> {
    const lines = createInterface({ input: fileStream(path), crlfDelay: Infinity })
    let line = 0
    for await (const text of lines) {
      line++
      if (!text.trim()) continue
      let value: unknown
      try {
        value = JSON.parse(text)
      } catch (err) {
        yield { line, issues: [{ message: `not valid JSON: ${(err as Error).message}` }] }
        continue
      }
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        yield { line, issues: [{ message: 'each line must be a JSON object' }] }
        continue
      }
      const input = { source: basename(path), ...(ctx.type ? { type: ctx.type } : {}), ...(value as Record<string, unknown>) }
      yield validateRow(line, input, (p) => p)
    }
  },
}
