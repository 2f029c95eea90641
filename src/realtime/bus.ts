/** What crosses process boundaries: ids only, never HTML (NOTIFY payloads are capped at 8 kB). */
export interface BusEvent {
  /** The `events` row id; 0 for ephemeral signals (typing, presence) that are never stored or replayed. */
  id: number
  storeId: string
  conversationId: string | null
  kind: string
  /** Only on ephemeral signals: small, e.g. { name: 'Dana', role: 'staff' }. */
  data?: Record<string, string>
}

export const isEphemeral = (e: BusEvent) => e.id === 0

/**
 * Emitted locally when the bus may have missed events (LISTEN re-established after a database restart):
 * open streams replay from `events` after the last id they sent.
 */
export const RESYNC = 'resync'
export const resyncSignal = (): BusEvent => ({ id: 0, storeId: '', conversationId: null, kind: RESYNC })

export type Listener = (e: BusEvent) => void

export interface Bus {
  publish(e: BusEvent): Promise<void>
  subscribe(fn: Listener): () => void
  close(): Promise<void>
  /** PostgreSQL bus only: a NOTIFY on this channel inside the statement that stores an event publishes it on commit. */
  notifyChannel?: string
}

/** Fans events out to listeners in this process; one listener's failure never stops the others. */
export class Fanout {
  private listeners = new Set<Listener>()
  subscribe(fn: Listener): () => void {
    this.listeners.add(fn)
    return () => void this.listeners.delete(fn)
  }
  emit(e: BusEvent): void {
    for (const fn of this.listeners) {
      try { fn(e) } catch { /* a broken stream must not break delivery to the rest */ }
    }
  }
  get size() { return this.listeners.size }
}

export function memoryBus(): Bus {
  const fan = new Fanout()
  return {
    publish: async (e) => fan.emit(e),
    subscribe: (fn) => fan.subscribe(fn),
    close: async () => {},
  }
}
