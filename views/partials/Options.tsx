/** A choice: its value, or [value, label] when the label differs. */
export type Choice = string | readonly [string, string]

/** The <option>s of a <select>, the one equal to `value` selected. */
export function Options({ choices, value }: { choices: readonly Choice[]; value?: string | null }) {
  return (
    <>
      {choices.map((ch) => {
        const [v, label] = typeof ch === 'string' ? [ch, ch] : ch
        return <option value={v} selected={v === value}>{label}</option>
      })}
    </>
  )
}
