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
// Live "waiting for" timers on inbox cards; the server renders the starting value.
function tickWaiting() {
  const now = Date.now()
  for (const el of document.querySelectorAll('.waiting[data-since]')) {
    const min = Math.floor((now - Date.parse(el.dataset.since)) / 60000)
    const span = el.querySelector('.elapsed')
    if (span) span.textContent = `${min} min`
    const target = Number(el.dataset.targetMin)
    if (el.dataset.targetMin && min >= target) el.closest('.card')?.classList.add('late')
  }
}
setInterval(tickWaiting, 15000)
// Typing signals: at most one every 3 s while the composer is being typed in.
let lastTyping = 0
document.addEventListener('input', (e) => {
  const form = e.target instanceof HTMLTextAreaElement ? e.target.form : null
  if (!form || !form.classList.contains('composer') || Date.now() - lastTyping < 3000) return
  lastTyping = Date.now()
  const url = (form.getAttribute('hx-post') || '').replace(/\/(messages|reply)$/, '/typing')
  if (url) fetch(url, { method: 'POST', credentials: 'same-origin' }).catch(() => {})
})
// A typing indicator fades 4 s after the last signal.
let typingTimer
document.addEventListener('htmx:after:swap', () => {
  const t = document.getElementById('typing')
  if (!t || !t.textContent) return
  clearTimeout(typingTimer)
  typingTimer = setTimeout(() => { const el = document.getElementById('typing'); if (el) el.textContent = '' }, 4000)
})
// Canned replies fill the reply box; staff edit before sending.
document.addEventListener('change', (e) => {
  const sel = e.target
  if (!(sel instanceof HTMLSelectElement) || !sel.classList.contains('canned') || !sel.value) return
  const box = document.getElementById(sel.dataset.target)
  if (box) { box.value = sel.value; box.focus() }
  sel.value = ''
})
// New handoffs in my departments: a short chime and a desktop notification.
function chime() {
  try {
    const ctx = new AudioContext()
    const o = ctx.createOscillator(); const g = ctx.createGain()
    o.frequency.value = 880; g.gain.value = 0.08
    o.connect(g); g.connect(ctx.destination); o.start(); o.stop(ctx.currentTime + 0.25)
  } catch {}
}
let lastNotified = ''
document.addEventListener('htmx:after:swap', () => {
  const n = document.querySelector('#notify .notify')
  if (!n || n.dataset.id === lastNotified) return
  lastNotified = n.dataset.id
  chime()
  if ('Notification' in window && Notification.permission === 'granted') {
    const note = new Notification(n.dataset.title, { body: n.dataset.body, tag: n.dataset.id })
    note.onclick = () => { window.focus(); location.href = n.dataset.href }
  }
  window.dispatchEvent(new CustomEvent('pitwall:notified', { detail: { title: n.dataset.title } }))
})
document.addEventListener('click', (e) => {
  if (e.target instanceof HTMLElement && e.target.id === 'enable-notifications' && 'Notification' in window) {
    Notification.requestPermission().then((p) => { e.target.textContent = p === 'granted' ? 'Desktop notifications on' : 'Notifications blocked by the browser' })
  }
})
// The stream subscribes before its headers are sent, so a connection (or the named `ready` event) means live.
const markLive = (e) => { if (e.target instanceof HTMLElement) e.target.setAttribute('data-live', '') }
document.addEventListener('ready', markLive)
document.addEventListener('htmx:sse:after:connection', markLive)
// "Insert into reply" from the DMS search panel.
document.addEventListener('click', (e) => {
  const b = e.target instanceof HTMLElement ? e.target.closest('button.insert') : null
  if (!b) return
  const box = document.getElementById(b.dataset.target)
  if (!box) return
  box.value = box.value ? `${box.value.trimEnd()}\n${b.dataset.insert}` : b.dataset.insert
  box.focus()
})
// A retryable failure (503: the server is reconnecting) returns the composer with the rider's text and the same
// client id; re-send it after Retry-After, backing off, while the text is unchanged. The id makes repeats harmless.
const resends = new Map()
document.addEventListener('htmx:after:swap', () => {
  const form = document.querySelector('form.composer[data-retry-after]')
  if (!form) return
  const id = form.querySelector('input[name=client_id]')?.value
  const box = form.querySelector('textarea')
  const n = (resends.get(id) ?? 0) + 1
  resends.set(id, n)
  const delay = Math.min(30, Number(form.dataset.retryAfter) * 2 ** (n - 1)) * 1000
  delete form.dataset.retryAfter // other swaps (SSE updates) must not schedule it again
  const text = box?.value
  setTimeout(() => { if (form.isConnected && box?.value === text) form.requestSubmit() }, delay)
})
