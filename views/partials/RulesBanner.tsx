export interface RulesStatusView {
  path: string
  version: string
  loadedAt: Date
  error?: { message: string; line?: number; column?: number }
}

/** Admins see which rules file is live, and why an edit was not applied. */
export function RulesBanner({ status }: { status: RulesStatusView }) {
  return (
    <div id="rules-status" class={`rules-status${status.error ? ' bad' : ''}`} role={status.error ? 'alert' : 'status'}>
      {status.error
        ? <><strong>Rules file not applied:</strong> {status.error.message}{status.error.line ? ` (line ${status.error.line}${status.error.column ? `, column ${status.error.column}` : ''})` : ''}. The last good rules (version {status.version}) stay active.</>
        : <>Rules <code>{status.version}</code> loaded {status.loadedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC from <code>{status.path}</code></>}
    </div>
  )
}
