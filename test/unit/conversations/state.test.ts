import { describe, expect, test } from 'bun:test'
import { aiAnswers, canDo, nextStatus, type ConversationAction } from '../../../src/conversations/state.ts'
import type { ConversationStatus } from '../../../src/db/schema.ts'

const table: [ConversationStatus, ConversationAction, ConversationStatus | 'error'][] = [
  ['bot', 'handoff', 'waiting'], ['waiting', 'handoff', 'waiting'], ['claimed', 'handoff', 'error'], ['closed', 'handoff', 'error'],
  ['bot', 'claim', 'claimed'], ['waiting', 'claim', 'claimed'], ['claimed', 'claim', 'error'], ['closed', 'claim', 'error'],
  ['bot', 'reply', 'claimed'], ['waiting', 'reply', 'claimed'], ['claimed', 'reply', 'claimed'], ['closed', 'reply', 'error'],
  ['claimed', 'transfer', 'waiting'], ['waiting', 'transfer', 'waiting'], ['closed', 'transfer', 'error'],
  ['claimed', 'hand_back', 'bot'], ['waiting', 'hand_back', 'bot'], ['bot', 'hand_back', 'error'],
  ['bot', 'close', 'closed'], ['waiting', 'close', 'closed'], ['claimed', 'close', 'closed'], ['closed', 'close', 'error'],
  ['closed', 'reopen', 'bot'], ['bot', 'reopen', 'error'],
]

describe('conversation state machine', () => {
  for (const [from, action, to] of table) {
    test(`${from} --${action}--> ${to}`, () => {
      if (to === 'error') {
        expect(canDo(from, action)).toBe(false)
        expect(() => nextStatus(from, action)).toThrow(`cannot ${action.replace('_', ' ')}`)
      } else {
        expect(nextStatus(from, action)).toBe(to)
      }
    })
  }
  test('only the bot status lets the AI answer', () => {
    expect((['bot', 'waiting', 'claimed', 'closed'] as const).filter(aiAnswers)).toEqual(['bot'])
  })
})
