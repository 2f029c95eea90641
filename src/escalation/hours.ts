/** Department hours in the store's time zone: weekly shifts (split shifts allowed), holidays and closures. */
import type { Report } from './compile.ts'
import { didYouMean } from './format.ts'
import type { RawRulesFile } from './schema.ts'

const asList = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x])

/** Minutes from local midnight; end is exclusive (24:00 = 1440). */
export interface Interval { start: number; end: number }

export interface Closure {
  /** `YYYY-MM-DD` for one date, `MM-DD` for every year. */
  date: string
  name: string
  /** Departments it applies to; undefined = every department. */
  departments?: string[]
  /** Shortened hours that day; empty = closed all day. */
  hours: Interval[]
}

export interface Department {
  id: string
  label: string
  timezone: string
  /** Index 0 = Sunday … 6 = Saturday. */
  weekly: Interval[][]
  /** Closures that apply to this department. */
  closures: Closure[]
}

export const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']
const DAY_LABELS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const MONTH_LABELS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

// ---------- parsing (used by the loader; returns an error string instead of throwing) ----------

const TIME = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.|a|p)?$/i

export function parseTime(s: string): number | string {
  const t = s.trim().toLowerCase()
  if (t === 'noon') return 720
  if (t === 'midnight') return 1440
  const m = TIME.exec(t)
  if (!m) return `'${s.trim()}' is not a time (write 9:00, 17:30 or 5:30pm)`
  let h = Number(m[1])
  const min = m[2] ? Number(m[2]) : 0
  const ampm = m[3]?.[0]
  if (min > 59) return `'${s.trim()}' has more than 59 minutes`
  if (ampm) {
    if (h < 1 || h > 12) return `'${s.trim()}' is not a 12-hour time`
    if (ampm === 'a' && h === 12) h = 0
    if (ampm === 'p' && h !== 12) h += 12
  } else if (h > 24 || (h === 24 && min > 0)) return `'${s.trim()}' is past 24:00`
  return h * 60 + min
}

/** "9:00-17:30", "9am-5pm", "7:30 to noon". */
export function parseRange(s: string): Interval | string {
  const parts = s.split(/\s*(?:-|–|—|\bto\b)\s*/i)
  if (parts.length !== 2 || !parts[0] || !parts[1]) return `'${s}' is not a time range (write 9:00-17:30)`
  const start = parseTime(parts[0])
  if (typeof start === 'string') return start
  const end = parseTime(parts[1])
  if (typeof end === 'string') return end
  if (end <= start) return `'${s}' ends before it starts (overnight shifts are not supported; split them at midnight)`
  return { start, end }
}

/** A day spec: "closed", "9:00-19:00", "24h", or a list of ranges (a split shift). */
export function parseDayHours(spec: string | string[]): Interval[] | string {
  const list = Array.isArray(spec) ? spec : [spec]
  if (list.length === 1 && /^\s*closed\s*$/i.test(list[0])) return []
  if (list.length === 1 && /^\s*(24h|24 hours|all day|open 24 hours)\s*$/i.test(list[0])) return [{ start: 0, end: 1440 }]
  const out: Interval[] = []
  for (const item of list) {
    for (const piece of item.split(/\s*,\s*/)) {
      const r = parseRange(piece)
      if (typeof r === 'string') return r
      out.push(r)
    }
  }
  out.sort((a, b) => a.start - b.start)
  for (let i = 1; i < out.length; i++) {
    if (out[i].start < out[i - 1].end) return `shifts ${fmtMin(out[i - 1].start)}-${fmtMin(out[i - 1].end)} and ${fmtMin(out[i].start)}-${fmtMin(out[i].end)} overlap`
  }
  return out
}

const DAY_ALIASES: Record<string, number> = {}
DAY_NAMES.forEach((d, i) => {
  DAY_ALIASES[d] = i
  DAY_ALIASES[d.slice(0, 3)] = i
})
Object.assign(DAY_ALIASES, { tues: 2, wednes: 3, thur: 4, thurs: 4 })

/** "mon", "monday", "mon-fri", "tue,thu", "weekdays", "weekends", "daily" → weekday indexes. */
export function parseDays(key: string): number[] | string {
  const k = key.trim().toLowerCase()
  if (k === 'weekdays') return [1, 2, 3, 4, 5]
  if (k === 'weekends' || k === 'weekend') return [0, 6]
  if (k === 'daily' || k === 'every day' || k === 'everyday') return [0, 1, 2, 3, 4, 5, 6]
  const out: number[] = []
  for (const part of k.split(/\s*,\s*/)) {
    const range = part.split(/\s*-\s*/)
    const a = DAY_ALIASES[range[0]]
    if (a === undefined) return `'${range[0]}' is not a day of the week (use mon, tue, … or mon-fri)`
    if (range.length === 1) { out.push(a); continue }
    const b = DAY_ALIASES[range[1]]
    if (range.length !== 2 || b === undefined) return `'${part}' is not a day range (write mon-fri)`
    for (let d = a; ; d = (d + 1) % 7) {
      out.push(d)
      if (d === b) break
    }
  }
  return out
}

// ---------- clock ----------

export interface LocalTime {
  year: number
  month: number
  day: number
  /** 0 = Sunday. */
  weekday: number
  /** Minutes since local midnight. */
  minutes: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()
const WEEKDAY: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 }

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    })
    formatters.set(tz, f)
  }
  return f
}

/** True when the IANA time zone is known to this runtime. */
export function isTimeZone(tz: string): boolean {
  try {
    formatter(tz)
    return true
  } catch {
    return false
  }
}

function localTimeIntl(at: Date, tz: string): LocalTime {
  const t: LocalTime = { year: 0, month: 0, day: 0, weekday: 0, minutes: 0 }
  let hour = 0
  for (const p of formatter(tz).formatToParts(at)) {
    switch (p.type) {
      case 'year': t.year = Number(p.value); break
      case 'month': t.month = Number(p.value); break
      case 'day': t.day = Number(p.value); break
      case 'weekday': t.weekday = WEEKDAY[p.value] ?? 0; break
      case 'hour': hour = Number(p.value) % 24; break
      case 'minute': t.minutes = Number(p.value); break
    }
  }
  t.minutes += hour * 60
  return t
}

/**
 * UTC offsets by time zone and quarter hour. Offsets and their changes fall on quarter hours in every zone,
 * so one Intl call per zone and quarter hour is enough (Intl is the slowest step of an evaluation).
 */
const offsets = new Map<string, { bucket: number; offset: number }>()
const QUARTER = 15 * 60_000

export function localTime(at: Date, tz: string): LocalTime {
  const ms = at.getTime()
  if (!Number.isFinite(ms)) return localTimeIntl(at, tz)
  const bucket = Math.floor(ms / QUARTER)
  let o = offsets.get(tz)
  if (!o || o.bucket !== bucket) {
    const l = localTimeIntl(at, tz)
    if (l.year < 100) return l // Date.UTC maps two-digit years to the 1900s; not worth caching
    const minuteStart = ms - (((ms % 60_000) + 60_000) % 60_000)
    o = { bucket, offset: Date.UTC(l.year, l.month - 1, l.day, 0, l.minutes) - minuteStart }
    offsets.set(tz, o)
  }
  const d = new Date(ms + o.offset)
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay(), minutes: d.getUTCHours() * 60 + d.getUTCMinutes() }
}

/** The instant at which the wall clock in `tz` shows the given local date and minute. */
export function zonedTime(year: number, month: number, day: number, minutes: number, tz: string): Date {
  const wall = Date.UTC(year, month - 1, day, 0, minutes)
  let guess = wall
  for (let i = 0; i < 3; i++) {
    const l = localTime(new Date(guess), tz)
    const shown = Date.UTC(l.year, l.month - 1, l.day, 0, l.minutes)
    const diff = wall - shown
    if (diff === 0) break
    guess += diff
  }
  return new Date(guess)
}

const pad = (n: number) => String(n).padStart(2, '0')

function addDays(l: LocalTime, n: number): { year: number; month: number; day: number; weekday: number } {
  const d = new Date(Date.UTC(l.year, l.month - 1, l.day + n))
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() }
}

/** The shifts a department works on a local date (closures first, then the weekly pattern). */
export function hoursOn(dept: Department, date: { year: number; month: number; day: number; weekday: number }): { hours: Interval[]; closure?: Closure } {
  if (dept.closures.length > 0) {
    const full = `${date.year}-${pad(date.month)}-${pad(date.day)}`
    const yearly = `${pad(date.month)}-${pad(date.day)}`
    for (const c of dept.closures) {
      if (c.date === full || c.date === yearly) return { hours: c.hours, closure: c }
    }
  }
  return { hours: dept.weekly[date.weekday] }
}

export function isOpen(dept: Department, now: Date, local: LocalTime = localTime(now, dept.timezone)): boolean {
  for (const iv of hoursOn(dept, local).hours) if (local.minutes >= iv.start && local.minutes < iv.end) return true
  return false
}

/** Look this far ahead for the next opening (covers long winter closures). */
const HORIZON_DAYS = 120

/** `now` when open; otherwise the start of the next shift; undefined when nothing opens within 120 days. */
export function nextOpening(dept: Department, now: Date, local: LocalTime = localTime(now, dept.timezone)): Date | undefined {
  if (isOpen(dept, now, local)) return now
  for (let d = 0; d <= HORIZON_DAYS; d++) {
    const date = d === 0 ? local : addDays(local, d)
    for (const iv of hoursOn(dept, date).hours) {
      if (d === 0 && iv.start <= local.minutes) continue
      return zonedTime(date.year, date.month, date.day, iv.start, dept.timezone)
    }
  }
  return undefined
}

export function fmtMin(m: number): string {
  const h = Math.floor(m / 60) % 24
  const mm = pad(m % 60)
  if (m === 720) return 'noon'
  return `${h % 12 === 0 ? 12 : h % 12}:${mm} ${h < 12 ? 'AM' : 'PM'}`
}

/** "now", "today at 1:00 PM", "tomorrow at 9:00 AM", "Tuesday at 7:30 AM", "Monday, Jan 5 at 9:00 AM". */
export function formatOpening(at: Date | undefined, now: Date, tz: string): string {
  if (!at) return 'when we reopen'
  if (at.getTime() <= now.getTime()) return 'now'
  const a = localTime(at, tz)
  const n = localTime(now, tz)
  const days = Math.round((Date.UTC(a.year, a.month - 1, a.day) - Date.UTC(n.year, n.month - 1, n.day)) / 86_400_000)
  const time = fmtMin(a.minutes)
  const at12 = time === 'noon' ? 'noon' : time
  if (days === 0) return `today at ${at12}`
  if (days === 1) return `tomorrow at ${at12}`
  if (days < 7) return `${DAY_LABELS[a.weekday]} at ${at12}`
  return `${DAY_LABELS[a.weekday]}, ${MONTH_LABELS[a.month - 1]} ${a.day} at ${at12}`
}

/** "Mon-Fri 9:00 AM-7:00 PM; Sat 9:00 AM-5:00 PM; Sun closed" for replies and the inbox. */
export function describeWeek(dept: Department): string {
  const short = DAY_LABELS.map((d) => d.slice(0, 3))
  const fmt = (ivs: Interval[]) => (ivs.length === 0 ? 'closed' : ivs.map((i) => `${fmtMin(i.start)}-${fmtMin(i.end)}`).join(', '))
  const order = [1, 2, 3, 4, 5, 6, 0]
  const groups: { from: number; to: number; text: string }[] = []
  for (const d of order) {
    const text = fmt(dept.weekly[d])
    const last = groups[groups.length - 1]
    if (last && last.text === text) last.to = d
    else groups.push({ from: d, to: d, text })
  }
  return groups.map((g) => `${short[g.from]}${g.from === g.to ? '' : '-' + short[g.to]} ${g.text}`).join('; ')
}

/** The departments and closures sections of a rules file → Department objects; problems go to `report`. */
export function buildDepartments(raw: Pick<RawRulesFile, 'departments' | 'closures'>, tz: string, report: Report): Record<string, Department> {
  const closures: (Closure & { index: number })[] = []
  ;(raw.closures ?? []).forEach((c, i) => {
    const p = ['closures', i]
    const m = /^(?:(\d{4})-)?(\d{2})-(\d{2})$/.exec(c.date)!
    const [y, mo, d] = [m[1] ? Number(m[1]) : 2024, Number(m[2]), Number(m[3])]
    const dt = new Date(Date.UTC(y, mo - 1, d))
    if (dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) report([...p, 'date'], `'${c.date}' is not a real date`)
    let hours: Interval[] = []
    if (c.hours !== undefined) {
      const h = parseDayHours(c.hours)
      if (typeof h === 'string') report([...p, 'hours'], h)
      else hours = h
    }
    const depts = c.departments === undefined ? undefined : asList(c.departments)
    depts?.forEach((id, j) => {
      if (!(id in raw.departments)) {
        report(Array.isArray(c.departments) ? [...p, 'departments', j] : [...p, 'departments'],
          `unknown department '${id}'${didYouMean(id, Object.keys(raw.departments))}; departments defined: ${Object.keys(raw.departments).join(', ')}`)
      }
    })
    closures.push({ date: c.date, name: c.name, departments: depts, hours, index: i })
  })
  const out: Record<string, Department> = {}
  for (const [id, d] of Object.entries(raw.departments)) {
    const weekly: Interval[][] = [[], [], [], [], [], [], []]
    const seen = new Map<number, string>()
    for (const [dayKey, spec] of Object.entries(d.hours)) {
      const p = ['departments', id, 'hours', dayKey]
      const days = parseDays(dayKey)
      if (typeof days === 'string') { report(p, days, { atKey: true }); continue }
      const h = parseDayHours(spec)
      if (typeof h === 'string') { report(p, h); continue }
      for (const day of days) {
        const prev = seen.get(day)
        if (prev !== undefined) report(p, `${['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][day]} is already given by '${prev}'`, { atKey: true })
        seen.set(day, dayKey)
        weekly[day] = h
      }
    }
    out[id] = {
      id,
      label: d.label ?? id.charAt(0).toUpperCase() + id.slice(1).replace(/[-_]/g, ' '),
      timezone: tz,
      weekly,
      closures: closures.filter((c) => !c.departments || c.departments.includes(id)).map(({ index: _i, ...c }) => c),
    }
  }
  return out
}
