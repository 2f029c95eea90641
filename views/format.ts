/** Display helpers shared by views; pure functions of their arguments. */
export function formatTime(d: Date, timeZone: string): string {
  return d.toLocaleTimeString('en-US', { timeZone, hour: 'numeric', minute: '2-digit' })
}

export function formatWhen(d: Date, now: Date, timeZone: string): string {
  const mins = Math.round((now.getTime() - d.getTime()) / 60000)
  if (mins < 1) return 'just now'
  if (mins < 60) return `${mins} min ago`
  if (mins < 24 * 60) return `${Math.round(mins / 60)} h ago`
  return d.toLocaleDateString('en-US', { timeZone, month: 'short', day: 'numeric' })
}

export const STATUS_LABEL = { bot: 'AI handling', waiting: 'Needs a person', claimed: 'Claimed', closed: 'Closed' } as const
