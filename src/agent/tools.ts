import type Anthropic from '@anthropic-ai/sdk'
import { toJsonSchema } from '@valibot/to-json-schema'
import * as v from 'valibot'
import type { SearchHit } from '../search/contract.ts'
import { fitmentText } from '../search/record.ts'
import { normalizeIdentifier } from '../search/query.ts'
import { DOC_TYPES } from '../search/types.ts'
import { focusOf } from './citations.ts'
import { DEPARTMENTS, type AnswerRequest, type Department, type Focus } from './contract.ts'
import type { LocalDeps } from './local.ts'
import { wrapDocument, wrapToolData } from './prompts.ts'
import { confidenceOf, current, hitText } from './retrieve.ts'
import { passage } from './templates.ts'
import { clip } from './text.ts'

/** The Claude answerer's tools: definitions for the API, input validation, and execution against the DMS. */

const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max))
const INPUTS = {
  search_dms: v.object({
    query: v.pipe(text(300), v.description('What to look for, in plain words (e.g. "oil capacity Grizzly 700", "used dirt bikes under 5000")')),
    type: v.optional(v.pipe(v.picklist(DOC_TYPES), v.description('Only this kind of document'))),
  }),
  get_unit: v.object({
    stock_number: v.optional(v.pipe(text(40), v.description('Stock number, e.g. G24-101'))),
    vin: v.optional(v.pipe(text(17), v.description('17-character VIN'))),
  }),
  get_part: v.object({ part_number: v.pipe(text(40), v.description('OEM or aftermarket part number')) }),
  store_hours: v.object({}),
  request_handoff: v.object({
    department: v.pipe(v.picklist(DEPARTMENTS), v.description('Who should follow up')),
    reason: v.pipe(text(300), v.description('One line for staff: what the rider needs')),
  }),
}
export type ToolName = keyof typeof INPUTS

const DESCRIPTIONS: Record<ToolName, string> = {
  search_dms: "Search the dealership's DMS content: inventory units, parts and fitment, service bulletins, recalls, troubleshooting guides, FAQs, policies and current price sheets.",
  get_unit: 'Look up one inventory unit by stock number or VIN: price, status, colour, mileage/hours and the inventory data-as-of date.',
  get_part: 'Look up one part by part number: price, quantity on hand, supersession and published year/make/model fitment.',
  store_hours: "The dealership's department hours and whether each is open now.",
  request_handoff: 'Ask a person from a department to take over this conversation (financing, trade-in values, VIN checks, appointments, diagnoses, or anything the documents do not answer).',
}

function inputSchema(schema: v.GenericSchema): Anthropic.Tool.InputSchema {
  const { $schema: _drop, ...rest } = toJsonSchema(schema, { errorMode: 'ignore' }) as Record<string, unknown>
  return { ...rest, type: 'object' } as Anthropic.Tool.InputSchema
}

export const TOOLS: Anthropic.Tool[] = (Object.keys(INPUTS) as ToolName[]).map((name) => ({
  name, description: DESCRIPTIONS[name], input_schema: inputSchema(INPUTS[name]),
}))

/** What one answer's tool calls gathered: everything it may cite, and any handoff it asked for. */
export interface ToolState {
  retrieved: Map<string, SearchHit>
  bodies: Map<string, string>
  confidence?: number
  focus?: Focus
  handoff?: { department: Department; reason: string }
  calls: number
}

export const newToolState = (): ToolState => ({ retrieved: new Map(), bodies: new Map(), calls: 0 })

const facts = (h: SearchHit) => {
  const f = { ...h.fields }
  if (h.type === 'part' && Array.isArray(f.fitment)) f.fitment = fitmentText(f.fitment as never)
  if (h.type === 'price_sheet' && h.expiresAt) f.validThrough = h.expiresAt.slice(0, 10)
  return clip(Object.entries(f).map(([k, x]) => `${k}: ${typeof x === 'object' ? JSON.stringify(x) : String(x)}`).join('\n'), 1500)
}

function remember(state: ToolState, hits: SearchHit[]) {
  for (const h of hits) state.retrieved.set(h.id, h)
}

function render(tool: string, state: ToolState, hits: SearchHit[], q: string): string {
  if (!hits.length) return wrapToolData(tool, 'No matching documents.')
  return wrapToolData(tool, hits.map((h) => wrapDocument({
    id: h.id, type: h.type, title: h.title, facts: facts(h),
    passage: h.type === 'unit' || h.type === 'part' ? undefined : passage(state.bodies.get(h.id) ?? h.snippet ?? '', q, 600),
  })).join('\n'))
}

async function byIdentifier(deps: LocalDeps, req: AnswerRequest, type: 'unit' | 'part', value: string, keys: string[]): Promise<SearchHit | undefined> {
  const r = await deps.source.search({ q: value, storeId: req.storeId, now: req.now, type, includeUnavailable: true, limit: 5 })
  const want = normalizeIdentifier(value)
  return current(r.hits, req.now).find((h) => keys.some((k) => normalizeIdentifier(String(h.fields[k] ?? '')) === want))
}

export interface ToolResult { content: string; isError?: boolean }

/** Runs one tool call; invalid input or an unknown tool comes back to the model as an error result, never a crash. */
export async function runTool(name: string, input: unknown, deps: LocalDeps, req: AnswerRequest, state: ToolState): Promise<ToolResult> {
  state.calls++
  if (!(name in INPUTS)) return { content: `Unknown tool ${name}. Available: ${Object.keys(INPUTS).join(', ')}.`, isError: true }
  const parsed = v.safeParse(INPUTS[name as ToolName], input ?? {})
  if (!parsed.success) return { content: `Invalid input: ${parsed.issues.map((i) => `${v.getDotPath(i) ?? 'input'} ${i.message}`).join('; ')}`, isError: true }
  const args = parsed.output as Record<string, string | undefined>
  switch (name as ToolName) {
    case 'search_dms': {
      const r = await deps.source.search({ q: args.query!, storeId: req.storeId, now: req.now, type: args.type as never, limit: 5 })
      const hits = current(r.hits, req.now)
      const knowledge = hits.filter((h) => h.type !== 'unit' && h.type !== 'part').map((h) => h.id)
      if (knowledge.length && deps.bodies) for (const [id, b] of await deps.bodies.bodies(req.storeId, knowledge)) state.bodies.set(id, b)
      remember(state, hits)
      const c = confidenceOf(args.query!, hits, state.bodies)
      state.confidence = Math.max(state.confidence ?? 0, c)
      const unitOrPart = hits.find((h) => h.type === 'unit' || h.type === 'part')
      if (unitOrPart && c >= 0.5) state.focus ??= focusOf(unitOrPart)
      return { content: render(name, state, hits, args.query!) }
    }
    case 'get_unit': {
      if (!args.stock_number && !args.vin) return { content: 'Give stock_number or vin.', isError: true }
      const hit = await byIdentifier(deps, req, 'unit', (args.stock_number ?? args.vin)!, args.stock_number ? ['stockNumber'] : ['vin', 'hin'])
      if (!hit) return { content: wrapToolData(name, 'No unit with that stock number or VIN in current inventory.') }
      remember(state, [hit])
      state.confidence = Math.max(state.confidence ?? 0, 0.95)
      state.focus = focusOf(hit)
      return { content: render(name, state, [hit], '') }
    }
    case 'get_part': {
      const hit = await byIdentifier(deps, req, 'part', args.part_number!, ['partNumber', 'supersededBy'])
      if (!hit) return { content: wrapToolData(name, 'No part with that number in the parts catalogue.') }
      remember(state, [hit])
      state.confidence = Math.max(state.confidence ?? 0, 0.95)
      state.focus = focusOf(hit)
      return { content: render(name, state, [hit], '') }
    }
    case 'store_hours': {
      if (!deps.hours) return { content: wrapToolData(name, 'Hours are not configured; search_dms for "store hours".') }
      state.confidence = Math.max(state.confidence ?? 0, 0.9)
      return { content: wrapToolData(name, deps.hours.describe(req.now).join('\n')) }
    }
    case 'request_handoff': {
      state.handoff ??= { department: args.department as Department, reason: args.reason! }
      return { content: `Handoff requested. Tell the rider someone from ${args.department} will follow up in this chat.` }
    }
  }
}

/** Text of every retrieved document, for the guardrails' grounding checks. */
export const stateSources = (state: ToolState) => [...state.retrieved.values()].map((h) => hitText(h, state.bodies.get(h.id)))
