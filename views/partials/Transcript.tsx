import type { Message } from '../../src/conversations/store.ts'
import { MessageItem } from './MessageItem.tsx'

export function Transcript({ messages, timeZone, staffNames, viewer, ratings }: {
  messages: Message[]; timeZone: string; staffNames: Record<string, string>; viewer: 'rider' | 'staff'; ratings?: Record<string, number>
}) {
  return (
    <ol id="transcript" class="transcript" aria-live="polite">
      {messages.map((m) => <MessageItem m={m} timeZone={timeZone} staffName={m.staffId ? staffNames[m.staffId] : null} viewer={viewer} rating={ratings?.[m.id]} />)}
    </ol>
  )
}
