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
    publish: notifier(sql),
    subscribe: (fn) => fan.subscribe(fn),
    close: () => listening.unlisten(),
    notifyChannel: CHANNEL,
  }
}

/**
 * NOTIFY, with the publishes of one turn of the event loop sent as one statement (riders answered side by side
 * publish together): one round trip and one transaction for all of them, delivered in publish order.
 */
function notifier(sql: postgres.Sql): (e: BusEvent) => Promise<void> {
  let batch: Array<{ payload: string; done: (err?: unknown) => void }> = []
  const send = async () => {
    const sending = batch
    batch = []
    try {
      if (sending.length === 1) await sql.notify(CHANNEL, sending[0].payload)
      else await sql`select pg_notify(${CHANNEL}, p) from json_array_elements_text((${JSON.stringify(sending.map((x) => x.payload))}::text)::json) with ordinality as t(p, n) order by n`
      for (const x of sending) x.done()
    } catch (err) {
      for (const x of sending) x.done(err)
    }
  }
  return (e) => new Promise<void>((resolve, reject) => {
    batch.push({ payload: JSON.stringify(e), done: (err) => (err === undefined ? resolve() : reject(err)) })
    if (batch.length === 1) setImmediate(() => void send())
  })
}
