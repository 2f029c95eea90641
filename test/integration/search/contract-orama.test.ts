import { OramaSearchIndex } from '../../../src/search/orama.ts'
import { searchContract } from '../../support/search-contract.ts'

searchContract('embedded (Orama)', async () => ({ index: new OramaSearchIndex({ dims: 512 }) }))
