/** "Also here: Dana, Luis" on a conversation, from live presence. */
export function Viewers({ names, me }: { names: string[]; me: string }) {
  const others = names.filter((n) => n !== me)
  return (
    <p id="viewers" class="viewers" aria-live="polite">
      {others.length > 0 && <>Also viewing: {others.join(', ')}</>}
    </p>
  )
}
