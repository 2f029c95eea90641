import { keep } from '../ops/bounded.ts'
import { isEphemeral, RESYNC, type Bus, type BusEvent } from '../realtime/bus.ts'
import { listPatch, type RenderedCard } from './inbox-patch.ts'

/** The inbox list (whole, and card by card) and tabs as rendered once, shared by every stream showing the same view. */
export interface InboxFrame { list: string; cards: RenderedCard[]; tabs: string }

/**
 * Shares inbox renders between live streams. The list is re-rendered whole on every change, so with many staff
 * streams open (1,000 tabs in the load bench) a render per stream per event would swamp the database; instead a
 * stream reuses any render of its view (same store, staff member and filters) that began after the events it is
 * waiting for were received, so a burst costs one render per view however many streams show it.
 */
export class SharedInboxRenders {
  /** Events this process has received; a render records the count it began at. */
  private seen = 0
  private views = new Map<string, { streams: number; after: number; frame?: Promise<unknown> }>()
  private unsubscribe: () => void

  constructor(bus: Bus) {
    // Subscribed before any stream, so the count has moved on by the time a stream sees the event. A resync (the bus
    // reconnected; events may have been missed) also makes every earlier render stale.
    this.unsubscribe = bus.subscribe((e) => { if (!isEphemeral(e) || e.kind === RESYNC) this.seen++ })
  }

  /** Registers a stream of `key`; the returned function forgets it when the stream closes. */
  open(key: string): () => void {
    const v = this.views.get(key) ?? { streams: 0, after: -1 }
    v.streams++
    this.views.set(key, v)
    let closed = false
    return () => {
      if (closed) return
      closed = true
      if (--v.streams <= 0) this.views.delete(key)
    }
  }

  /**
   * A render of `key` that reflects every event received so far (reusing one in flight or done when it does).
   * Any value can be shared this way (the view counts, shared by every view of one staff member and filters).
   */
  frame<T = InboxFrame>(key: string, render: () => Promise<T>): Promise<T> {
    const v = this.views.get(key)
    if (!v) return render()
    if (v.frame && v.after >= this.seen) return v.frame as Promise<T>
    v.after = this.seen
    const frame = render()
    v.frame = frame
    frame.catch(() => { if (v.frame === frame) v.frame = undefined }) // a failed render is retried by the next stream
    return frame
  }

  close() { this.unsubscribe() }
}

/**
 * How often at most a stream is sent tabs whose counts changed while its list did not. Every new chat moves the
 * "All" count, so at a busy dealership nearly every 50-ms flush would be a write to every open inbox for a number;
 * the list, and the tabs with it, still go at once, and held tabs go with the next flush after this, or this long
 * after the last flush when the store goes quiet (to every stream of the view together).
 */
export const TABS_ONLY_EVERY_MS = 1000

/**
 * What one stream writes for a batch: what changed since its last frame (the list as a card patch when that is
 * smaller than the whole list, the tabs if they changed) and notices. Null when nothing changed, or when only the
 * counts did and the stream had tabs less than `tabsEveryMs` ago (`heldTabs` then gives them).
 * `prepare` is the part every stream of the view shares (the render and the batch's notices), `step` the stream's
 * own (from its last frame), `render` both in one.
 */
export function changedParts(frame: () => Promise<InboxFrame>, notices: (batch: BusEvent[]) => Promise<string>,
  tabsEveryMs = TABS_ONLY_EVERY_MS, clock: () => number = () => performance.now()) {
  let last: InboxFrame | undefined
  let held: InboxFrame | undefined
  let tabsAt = -Infinity
  const send = (f: InboxFrame, t: Transition, at: number) => {
    if (t.tabs) tabsAt = at
    last = f
    held = undefined
    return t.html
  }
  // The clock is read once per render, not once per stream: a thousand streams step through the same render.
  const prepare = async (batch: BusEvent[]): Promise<Prepared> => {
    const [f, notes] = await Promise.all([frame(), notices(batch)])
    return { f, notes, at: clock() }
  }
  const step = (p: Prepared): string | null => {
    const { f, notes, at } = p
    const t = transition(last, f)
    if (last && !notes && !t.list && t.tabs && at - tabsAt < tabsEveryMs) {
      held = f
      return null
    }
    const html = send(f, t, at)
    if (!notes) return html || null
    // Streams making the same step share one string (and so one encoding of the frame).
    if (p.base !== html) p.withNotes = (p.base = html) + notes
    return p.withNotes!
  }
  /** Tabs held back by `step`, if any (then shown as sent). */
  const heldTabs = (): string | null => (held ? send(held, transition(last, held), clock()) || null : null)
  return { prepare, step, heldTabs, render: async (batch: BusEvent[]) => step(await prepare(batch)) }
}

/** One render as every stream of a view steps from it: the frame, the batch's notices, when it was made. */
interface Prepared { f: InboxFrame; notes: string; at: number; base?: string; withNotes?: string }

/** The step from one frame to the next: the update to write, and which parts changed. */
interface Transition { html: string; list: boolean; tabs: boolean }

const transitions = new WeakMap<InboxFrame, { to: InboxFrame; t: Transition }>()

/**
 * The update from one frame to the next, computed once and the same string for every stream making that step (the
 * frames' lists, tens of kilobytes, are compared once per step, not once per stream).
 */
function transition(from: InboxFrame | undefined, to: InboxFrame): Transition {
  if (!from) return { html: to.list + to.tabs, list: true, tabs: true }
  const known = transitions.get(from)
  if (known?.to === to) return known.t
  const list = from.list !== to.list
  const tabs = from.tabs !== to.tabs
  const html = (list ? (listPatch(from.cards, to.cards, to.list.length) ?? to.list) : '') + (tabs ? to.tabs : '')
  const t = { html, list, tabs }
  transitions.set(from, { to, t })
  return t
}

/** A small memo for per-event lookups every stream would otherwise repeat (bounded: oldest entries go first). */
export function perEventMemo<T>(fn: (e: BusEvent) => Promise<T>, max = 256): (e: BusEvent) => Promise<T> {
  const memo = new Map<number, Promise<T>>()
  return (e) => {
    let p = memo.get(e.id)
    if (!p) {
      p = fn(e)
      keep(memo, e.id, p, max)
      p.catch(() => memo.delete(e.id))
    }
    return p
  }
}
