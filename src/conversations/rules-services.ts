import type { Config } from '../config.ts'
import type { Services } from '../deps.ts'
import { createClaudeTriage } from '../agent/llm-triage.ts'
import type { Rules } from '../escalation/index.ts'
import { departmentOpen, expectReply } from './hours.ts'
import { openRulesSource, type RulesSource } from './rules-source.ts'
import { createTriage } from './triage.ts'

type RulesParts = Pick<Services, 'triage' | 'rules' | 'rulesStatus' | 'expectReply' | 'isOpen'>

/** The parts of Services that come from the rules file: triage (with Claude for ask_llm when configured), hours, status. */
export function rulesServices(config: Config, current: () => Rules, status: RulesSource['status'] | undefined, now: () => Date): RulesParts {
  const llm = config.anthropic
    ? createClaudeTriage({ apiKey: config.anthropic.apiKey, baseURL: config.anthropic.baseURL, model: config.claudeModels.fast })
    : undefined
  return {
    triage: createTriage(current, llm),
    rules: current,
    rulesStatus: status,
    expectReply: (conv) => expectReply(current(), conv, now()),
    isOpen: (department) => departmentOpen(current(), department, now()),
  }
}

/** Opens and watches the rules file; a bad edit keeps the last good rules and is reported in status(). */
export function watchRules(config: Config, now: () => Date): { source: RulesSource; parts: RulesParts } {
  const source = openRulesSource(config.rulesPath).watch()
  return { source, parts: rulesServices(config, () => source.current(), () => source.status(), now) }
}
