import type Anthropic from '@anthropic-ai/sdk'
import type { TagDef } from '../escalation/index.ts'
import { tagSystemPrompt, wrapRider } from './prompts.ts'
import { timeLlm } from '../ops/metrics.ts'

/**
 * Topic tags from the rules file's plain-language tag descriptions, chosen by Claude's fast model. They are
 * kept apart from the rules' own tags (source `llm`) so staff and `rules replay` can tell them apart.
 * Without Claude there are no extra tags: the rules' keyword tags are the offline answer.
 */

export interface LlmTags { tags: string[]; source: 'llm'; error?: string }

export interface TagOptions { signal?: AbortSignal; timeoutMs?: number }

export async function tagWithClaude(client: Anthropic | undefined, model: string, defs: TagDef[], text: string, opts: TagOptions = {}): Promise<LlmTags> {
  const described = defs.filter((d) => d.description.trim())
  if (!client || described.length === 0 || !text.trim()) return { tags: [], source: 'llm' }
  const ids = described.map((d) => d.id)
  try {
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? 4000)
    const msg = await timeLlm('tags', () => client.messages.create({
      model, max_tokens: 200, system: tagSystemPrompt(),
      tools: [{
        name: 'set_tags', description: 'Record the topic tags that fit the message (possibly none).',
        input_schema: { type: 'object', properties: { tags: { type: 'array', items: { type: 'string', enum: ids } } }, required: ['tags'] },
      }],
      tool_choice: { type: 'tool', name: 'set_tags' },
      messages: [{ role: 'user', content: `Tags:\n${described.map((d) => `- ${d.id}: ${d.description}`).join('\n')}\n\n${wrapRider(text)}` }],
    }, { signal: opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout, maxRetries: 0 }))
    const call = msg.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use' && b.name === 'set_tags')
    const raw = (call?.input as { tags?: unknown } | undefined)?.tags
    // Only tags the rules file defines count; anything else the model invents is dropped.
    const tags = Array.isArray(raw) ? [...new Set(raw.filter((t): t is string => typeof t === 'string' && ids.includes(t)))] : []
    return { tags, source: 'llm' }
  } catch (err) {
    return { tags: [], source: 'llm', error: (err as Error).message }
  }
}
