import type { Config } from './config.ts'
import type { Services } from './deps.ts'
import { openDatabaseFor } from './db/open.ts'
import { explainDataDirError } from './db/data-dir.ts'
import { connectPostgres, pgliteDirFor } from './db/client.ts'
import { runMigrations } from './db/migrate.ts'
import { memoryBus, type Bus } from './realtime/bus.ts'
import { pgBus } from './realtime/pg-bus.ts'
import { Presence } from './realtime/presence.ts'
import { watchRules } from './conversations/rules-services.ts'
import { createSearch } from './search/service.ts'
import { agentServices } from './agent/services.ts'
import { startDeliveryWorker } from './integrations/deliveries.ts'
import { followDeletions } from './integrations/documents-api.ts'
import type postgres from 'postgres'
import { errorFields, log } from './ops/log.ts'

export interface Running extends Services { close(): Promise<void> }

/** Opens the database (migrating it), and the bus: LISTEN/NOTIFY on PostgreSQL, in-memory on PGlite. */
export async function bootServices(config: Config, opts: { search?: boolean } = {}): Promise<Running> {
  const database = await openDatabaseFor(config)
  let listenSql: postgres.Sql | undefined
  try {
    await runMigrations(database)
    let bus: Bus = memoryBus()
    if (database.kind === 'postgres') {
      listenSql = connectPostgres(config.directDatabaseUrl!, { max: 2, onnotice: () => {} })
      bus = await pgBus(listenSql)
    }
    const presence = new Presence(bus)
    const now = () => new Date()
    const rules = watchRules(config, now)
    const search = opts.search === false ? undefined : createSearch(config, database, { log: (l) => log.warn(l, { component: 'search' }) })
    search?.then(
      async (s) => log.info('search index ready', { engine: s.index.engine }),
      (err) => log.error('search: could not build the index', { component: 'search', ...errorFields(err) }),
    )
    const agent = search ? agentServices(config, database, search, () => rules.source.current(), (l) => log.warn(l, { component: 'agent' })) : {}
    // Webhooks and CRM leads: a queue in the database, worked by every instance (SKIP LOCKED keeps them apart).
    const deliveryWorker = startDeliveryWorker({ db: database.db, config, now })
    const unfollow = followDeletions(bus, search)
    return {
      config, database, db: database.db, bus, now, presence, ...rules.parts, search, ...agent, deliveryWorker,
      async close() {
        unfollow()
        await deliveryWorker.stop()
        // An index still being built is abandoned: shutdown must not wait for it.
        await Promise.race([search?.then((s) => s.close()).catch(() => {}), Bun.sleep(1000)])
        rules.source.close()
        presence.close()
        await bus.close().catch(() => {})
        await listenSql?.end({ timeout: 2 }).catch(() => {})
        await database.close()
      },
    }
  } catch (err) {
    await listenSql?.end({ timeout: 1 }).catch(() => {})
    await database.close().catch(() => {})
    // e.g. the disk filled up while migrating the embedded store: say so in one line.
    throw (database.kind === 'pglite' && explainDataDirError(config.dataDir, pgliteDirFor(config.dataDir), err)) || err
  }
}
