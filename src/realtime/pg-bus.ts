import type postgres from 'postgres'
import { Fanout, resyncSignal, type Bus, type BusEvent } from './bus.ts'

export const CHANNEL = 'pitwall_events'

/**
 * LISTEN/NOTIFY bus: every process on one database sees every event. postgres.js re-LISTENs by itself after a
 * lost connection (database restart); NOTIFYs sent in between are gone, so local streams are told to resync.
 */
export async function pgBus(sql: postgres.Sql, opts: { onReconnect?: () => void } = {}): Promise<Bus> {
  const fan = new Fanout()
  let first = true
  const listening = await sql.listen(CHANNEL, (payload) => {
    try { fan.emit(JSON.parse(payload) as BusEvent) } catch { /* malformed payload from elsewhere: ignore */ }
  }, () => {
    if (!first) {
      fan.emit(resyncSignal())
      opts.onReconnect?.()
    }
    first = false
  })
  return {
    publish: async (e) => { await sql.notify(CHANNEL, JSON.stringify(e)) },
    subscribe: (fn) => fan.subscribe(fn),
    close: () => listening.unlisten(),
    notifyChannel: CHANNEL,
  }
}
