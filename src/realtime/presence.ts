import type { Bus, BusEvent } from './bus.ts'

/** A viewer is gone if no heartbeat arrived for this long (streams beat every keep-alive tick). */
const TTL_MS = 20_000

/**
 * Who is looking at which conversation, across every process: streams publish ephemeral
 * `presence` heartbeats on the bus and each process keeps the picture from what it hears.
 */
export class Presence {
  private viewers = new Map<string, Map<string, number>>()
  private unsubscribe: () => void

  constructor(private bus: Bus, private now: () => number = Date.now) {
    this.unsubscribe = bus.subscribe((e) => this.hear(e))
  }

  private hear(e: BusEvent) {
    if (!e.conversationId || !e.data?.name) return
    const names = this.viewers.get(e.conversationId) ?? new Map<string, number>()
    if (e.kind === 'presence') names.set(e.data.name, this.now() + TTL_MS)
    else if (e.kind === 'presence-leave') names.delete(e.data.name)
    else return
    this.viewers.set(e.conversationId, names)
  }

  // Best effort: while the database restarts a heartbeat is simply lost (callers fire and forget).
  beat(storeId: string, conversationId: string, name: string): Promise<void> {
    return this.bus.publish({ id: 0, storeId, conversationId, kind: 'presence', data: { name } }).catch(() => {})
  }

  leave(storeId: string, conversationId: string, name: string): Promise<void> {
    return this.bus.publish({ id: 0, storeId, conversationId, kind: 'presence-leave', data: { name } }).catch(() => {})
  }

  /** Names viewing the conversation now, sorted. */
  list(conversationId: string): string[] {
    const names = this.viewers.get(conversationId)
    if (!names) return []
    const now = this.now()
    for (const [n, exp] of names) if (exp < now) names.delete(n)
    return [...names.keys()].sort()
  }

  close() { this.unsubscribe() }
}

/** Ephemeral "is typing" signal for a conversation. */
export const typingSignal = (storeId: string, conversationId: string, name: string, side: 'rider' | 'staff'): BusEvent =>
  ({ id: 0, storeId, conversationId, kind: 'typing', data: { name, side } })
