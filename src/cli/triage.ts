import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import * as v from 'valibot'
import { createClaudeTriage, type LlmTriage } from '../agent/llm-triage.ts'
import { loadConfig } from '../config.ts'
import { triageMessage } from '../conversations/triage.ts'
import type { Decision, Rules, TriageContext } from '../escalation/index.ts'
import { parseFlags, UsageError, type CliIO, type Command } from './command.ts'
import { rulesOrReport } from './rules.ts'

const usage = `Usage:
  pitwall triage "<message>" [--rules file] [--llm] [--at ISO-TIME] [--json] [--trace]
  pitwall triage --jsonl FILE [--rules file] [--llm]

Runs the escalation rules on one message, or on a JSONL file with one {"id","text"} per line
(optional "at": ISO time, "history": [{"author","text"}]). Output for --jsonl is one JSON line each:
{"id","escalate","department","priority","tags","rules","reasons","action"}.
Rules only, unless --llm (needs ANTHROPIC_API_KEY): then ask_llm rules consult Claude.
A bad input line is reported on stderr with its line number; the rest still run and the exit code is 1.`

const InputLine = v.object({
  id: v.union([v.string(), v.number()]),
  text: v.string(),
  at: v.optional(v.string()),
  history: v.optional(v.array(v.object({ author: v.picklist(['customer', 'bot', 'staff', 'system']), text: v.string() }))),
})

export function decisionLine(id: string | number | null, d: Decision) {
  return {
    id,
    escalate: d.action !== 'answer',
    department: d.department ?? null,
    priority: d.action === 'answer' ? null : (d.priority ?? null),
    tags: d.tags,
    rules: d.rules,
    reasons: d.reasons,
    action: d.action,
  }
}

function explain(d: Decision, io: CliIO, trace: boolean): void {
  const head = d.action === 'answer' ? 'answer (the AI replies)' : `${d.action} → ${d.department}${d.priority ? ` at priority ${d.priority}` : ''}`
  io.out(head)
  io.out(`tags:    ${d.tags.join(', ') || '(none)'}`)
  if (d.rules.length === 0) io.out('rules:   (none fired)')
  d.rules.forEach((r, i) => io.out(`${i === 0 ? 'rules:   ' : '         '}${r}: ${d.reasons[i]}`))
  if (d.reply) io.out(`reply:   ${d.reply}`)
  for (const a of d.llm ?? []) io.out(`llm:     ${a.rule}: ${a.answer ? 'yes' : 'no'} (${a.source}${a.error ? `: ${a.error}` : ''})`)
  if (trace) for (const t of d.trace) io.out(`  ${JSON.stringify(t)}`)
}

const command: Command = {
  name: 'triage',
  summary: 'Run the escalation rules on a message or a JSONL file',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, {
      jsonl: { type: 'string' }, rules: { type: 'string' }, llm: { type: 'boolean' }, at: { type: 'string' },
      json: { type: 'boolean' }, trace: { type: 'boolean' },
    })
    if (values.jsonl && positionals.length) throw new UsageError('give either a message or --jsonl FILE, not both')
    if (!values.jsonl && positionals.length !== 1) throw new UsageError('give one message (in quotes) or --jsonl FILE')
    const at = values.at ? new Date(values.at) : new Date()
    if (Number.isNaN(at.getTime())) throw new UsageError(`--at '${values.at}' is not a date and time`)
    const config = loadConfig(process.env, { ensureSecret: false })
    const loaded = rulesOrReport(resolve(values.rules ?? config.rulesPath), io)
    if (!loaded) return 1
    const rules: Rules = loaded.rules
    let llm: LlmTriage | undefined
    if (values.llm) {
      if (!config.anthropic) {
        io.err('pitwall triage: --llm needs ANTHROPIC_API_KEY')
        return 2
      }
      llm = createClaudeTriage({ apiKey: config.anthropic.apiKey, baseURL: config.anthropic.baseURL, model: config.claudeModels.fast })
    }
    const run = (ctx: TriageContext) => triageMessage(rules, ctx, llm)

    if (!values.jsonl) {
      const d = await run({ text: positionals[0], now: at, history: [] })
      if (values.json) io.out(JSON.stringify(decisionLine(null, d)))
      else explain(d, io, !!values.trace)
      return 0
    }

    let text: string
    try {
      text = values.jsonl === '-' ? readFileSync(0, 'utf8') : readFileSync(values.jsonl, 'utf8')
    } catch (err) {
      io.err(`${values.jsonl}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
      return 1
    }
    let bad = 0
    const lines = text.split(/\r?\n/)
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].trim()
      if (!line) continue
      const where = `${values.jsonl}:${i + 1}`
      let json: unknown
      try {
        json = JSON.parse(line)
      } catch (err) {
        io.err(`${where}: not JSON (${(err as Error).message})`)
        bad++
        continue
      }
      const r = v.safeParse(InputLine, json)
      if (!r.success) {
        const issue = r.issues[0]
        io.err(`${where}: ${v.getDotPath(issue) ?? 'line'}: ${issue.message} (expected {"id": ..., "text": "..."})`)
        bad++
        continue
      }
      const now = r.output.at ? new Date(r.output.at) : at
      if (Number.isNaN(now.getTime())) {
        io.err(`${where}: "at" is not a date and time`)
        bad++
        continue
      }
      const d = await run({ text: r.output.text, now, history: r.output.history ?? [] })
      io.out(JSON.stringify(decisionLine(r.output.id, d)))
    }
    if (bad) io.err(`${bad} line${bad === 1 ? '' : 's'} could not be read`)
    return bad ? 1 : 0
  },
}

export default command
