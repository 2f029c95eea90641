/** Worker thread for bulk embedding: its own copy of USE-lite, so imports use more than one core. */
import * as core from '@energetic-ai/core'
import { initModel } from '@energetic-ai/embeddings'
import { embeddedModelSource, useEmbeddedWasm } from './model-files.ts'

declare const self: Worker

useEmbeddedWasm()
await (core as unknown as { ready(): Promise<void> }).ready() // initModel races backend start-up against weight loading
const model = await initModel(embeddedModelSource)
self.onmessage = async (e: MessageEvent<{ id: number; texts: string[] }>) => {
  const { id, texts } = e.data
  try {
    const vectors = await model.embed(texts)
    const flat = new Float32Array(vectors.length * 512)
    vectors.forEach((v, i) => flat.set(v, i * 512))
    self.postMessage({ id, flat }, [flat.buffer])
  } catch (err) {
    self.postMessage({ id, error: (err as Error).message })
  }
}
self.postMessage({ ready: true })
