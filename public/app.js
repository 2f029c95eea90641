// Small behaviours htmx does not cover: keep the newest message in view, focus the composer.
document.addEventListener('htmx:after:swap', () => {
  const t = document.getElementById('transcript')
  if (t) t.lastElementChild?.scrollIntoView({ block: 'end' })
})
document.addEventListener('keydown', (e) => {
  const el = e.target
  if (e.key === 'Enter' && !e.shiftKey && el instanceof HTMLTextAreaElement && el.form?.classList.contains('composer')) {
    e.preventDefault()
    el.form.requestSubmit()
  }
})
