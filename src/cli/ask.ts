import { resolve } from 'node:path'
import { createAnswerer, dbDocumentBodies, hoursFromRules, redact, storeFromRules, type Answer } from '../agent/index.ts'
import { createClaudeTriage } from '../agent/llm-triage.ts'
import { loadConfig } from '../config.ts'
import { runMigrations } from '../db/migrate.ts'
import { openDatabaseFor } from '../db/open.ts'
import { triageMessage } from '../conversations/triage.ts'
import { evaluate, type Decision, type LlmAnswer, type Rules, type TriageContext } from '../escalation/index.ts'
import { createSearch } from '../search/service.ts'
import { parseFlags, UsageError, type CliIO, type Command } from './command.ts'
import { rulesOrReport } from './rules.ts'

const usage = `Usage: pitwall ask "<question>" [--json] [--rules file] [--store id]

Runs a rider's question through the same steps as the chat widget — redaction, escalation rules, search,
answer (Claude when ANTHROPIC_API_KEY is set, the local answerer otherwise) and guardrails — without
storing a conversation. Prints the answer, its sources and the escalation decision.
  --json   one JSON object: {"answer","citations":[{"id","type","title"}],
           "decision":{"escalate","department","priority","tags","rules"}}
A guardrail handoff (rates, trade values, VIN checks, appointments) shows as escalate with the rule
"guardrail:<name>".`

/** The decision the rider's message gets once the answer is known: rules first, then the answer's own handoff. */
export function combine(d: Decision, answer: Answer | undefined) {
  const guard = answer?.handoff && d.action === 'answer'
  return {
    escalate: d.action !== 'answer' || !!guard,
    department: guard ? answer!.handoff!.department : (d.department ?? null),
    priority: d.action === 'answer' ? null : (d.priority ?? null),
    tags: d.tags,
    rules: guard ? [...d.rules, ...(answer!.guardrails?.length ? answer!.guardrails.map((g) => `guardrail:${g}`) : [`agent:${answer!.handoff!.via}`])] : d.rules,
  }
}

const llmAnswersOf = (d: Decision): Record<string, LlmAnswer> =>
  Object.fromEntries((d.llm ?? []).filter((a) => a.source === 'llm').map((a) => [a.rule, { answer: a.answer, tags: a.tags }]))

function print(io: CliIO, text: string, answer: Answer | undefined, decision: ReturnType<typeof combine>, d: Decision) {
  io.out(text)
  if (answer?.citations.length) {
    io.out('\nSources:')
    for (const c of answer.citations) {
      const facts = [c.price !== undefined ? `$${c.price.toLocaleString('en-US')}` : '', c.status ?? '', c.stockNumber ? `stock #${c.stockNumber}` : '',
        c.partNumber ? `part ${c.partNumber}` : '', c.bulletinNumber ?? '', c.campaignId ? `campaign ${c.campaignId}` : '', c.dataAsOf ? `data as of ${c.dataAsOf}` : ''].filter(Boolean)
      io.out(`  [${c.type}] ${c.title} (${c.id})${facts.length ? ` — ${facts.join(', ')}` : ''}`)
    }
  }
  io.out(`\nDecision: ${decision.escalate ? `hand off → ${decision.department ?? 'staff'}${decision.priority ? ` at priority ${decision.priority}` : ''}` : 'answer (the AI replies)'}`)
  io.out(`  tags:  ${decision.tags.join(', ') || '(none)'}`)
  io.out(`  rules: ${decision.rules.join(', ') || '(none fired)'}`)
  d.reasons.forEach((r) => io.out(`         ${r}`))
  if (answer) io.out(`Answered by: ${answer.source} (retrieval confidence ${answer.confidence.toFixed(2)})${answer.flagged ? `\nFlagged: ${answer.flagged}` : ''}`)
}

const command: Command = {
  name: 'ask',
  summary: 'Ask the assistant a question as a rider would (nothing is stored)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { json: { type: 'boolean' }, rules: { type: 'string' }, store: { type: 'string' } })
    if (positionals.length !== 1 || !positionals[0].trim()) throw new UsageError('give one question, in quotes')
    if (positionals[0].length > 4000) throw new UsageError('the question is longer than 4000 characters')
    const config = loadConfig(process.env, { ensureSecret: false })
    const loaded = rulesOrReport(resolve(values.rules ?? config.rulesPath), io)
    if (!loaded) return 1
    const rules: Rules = loaded.rules
    const storeId = values.store ?? config.storeId
    const database = await openDatabaseFor(config)
    try {
      await runMigrations(database)
      const search = await createSearch(config, database, { syncIntervalMs: 0 })
      try {
        const { text } = redact(positionals[0])
        const now = new Date()
        const llm = config.anthropic ? createClaudeTriage({ apiKey: config.anthropic.apiKey, baseURL: config.anthropic.baseURL, model: config.claudeModels.fast }) : undefined
        const ctx: TriageContext = { text, now, history: [], turn: 1 }
        const first = await triageMessage(rules, ctx, llm)
        let answer: Answer | undefined
        let decision = first
        if (first.action !== 'handoff') {
          const answerer = createAnswerer(config, { source: search, bodies: dbDocumentBodies(database), hours: hoursFromRules(rules), store: storeFromRules(rules) })
          answer = await answerer.answer({ storeId, text, history: [], now })
          // Low retrieval confidence is a rules condition, so the rules run again with it (LLM answers reused).
          decision = evaluate(rules, { ...ctx, answerConfidence: answer.confidence }, { llmAnswers: llmAnswersOf(first) })
        }
        const shown = answer?.text ?? first.reply ?? `A person from ${first.department ?? 'our team'} will reply here.`
        const combined = combine(decision, answer)
        if (values.json) {
          io.out(JSON.stringify({ answer: shown, citations: (answer?.citations ?? []).map((c) => ({ id: c.id, type: c.type, title: c.title })), decision: combined }))
        } else {
          print(io, shown, answer, combined, decision)
          if ((await search.health()).documents === 0) io.err(`pitwall ask: no DMS documents indexed; run \`pitwall seed-demo\` or \`pitwall import\` first`)
        }
        return 0
      } finally {
        await search.close()
      }
    } finally {
      await database.close()
    }
  },
}
export default command
