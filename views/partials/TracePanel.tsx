import type { TraceEntry, LlmAsk } from '../../src/escalation/types.ts'

export interface StoredTrace { rules: string[]; trace: TraceEntry[]; llm?: LlmAsk[] }

/** Why this conversation was handed off: the rules that fired and the rider's words that matched. */
export function TracePanel({ reason, trace }: { reason: string | null; trace: StoredTrace | null }) {
  if (!trace || !trace.rules?.length) return <section id="trace" class="panel trace"><h2>Escalation</h2><p class="sub">No rule has fired in this conversation.</p></section>
  const matches = trace.trace.filter((t) => t.step === 'match' && t.text)
  return (
    <section id="trace" class="panel trace">
      <h2>Escalation</h2>
      {reason && <p>{reason}</p>}
      <ul>
        {trace.rules.map((rule) => (
          <li>
            <code>{rule}</code>
            {matches.filter((m) => m.rule === rule).map((m) => (
              <span class="match" title={m.condition}>“{m.text}”{m.source !== 'rules' && <small> ({m.source})</small>}</span>
            ))}
          </li>
        ))}
      </ul>
      {(trace.llm ?? []).map((q) => (
        <p class="llm"><small>LLM check ({q.source}{q.error ? `: ${q.error}` : ''}): {q.question} → <strong>{q.answer ? 'yes' : 'no'}</strong></small></p>
      ))}
    </section>
  )
}
