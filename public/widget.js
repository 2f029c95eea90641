/*
 * Pitwall chat widget. Add to any page:
 *   <script src="https://chat.example.com/static/widget.js" data-store="demo" async></script>
 * The chat runs in an iframe served by Pitwall, inside a shadow root, so the host page's CSS and
 * scripts cannot reach it and it cannot reach them.
 */
(() => {
  const script = document.currentScript
  if (!script || window.__pitwallWidget) return
  window.__pitwallWidget = true
  const origin = new URL(script.src).origin
  const store = script.dataset.store || ''
  const label = script.dataset.label || 'Chat with us'
  const OPEN_KEY = 'pitwall-widget-open'

  const host = document.createElement('div')
  host.setAttribute('data-pitwall-widget', '')
  const root = host.attachShadow({ mode: 'open' })
  root.innerHTML = `
    <style>
      :host { all: initial; }
      .launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; display: flex; align-items: center; gap: 8px;
        background: #d94f1e; color: #fff; border: 0; border-radius: 999px; padding: 12px 18px; font: 600 15px system-ui, sans-serif;
        box-shadow: 0 6px 20px rgba(0,0,0,.25); cursor: pointer; }
      .launcher .dot { width: 9px; height: 9px; border-radius: 50%; background: #7ef0a8; }
      .panel { position: fixed; right: 20px; bottom: 84px; z-index: 2147483000; width: 380px; height: min(640px, calc(100vh - 110px));
        background: #fff; border-radius: 16px; overflow: hidden; box-shadow: 0 12px 40px rgba(0,0,0,.3); display: flex; flex-direction: column; }
      .panel[hidden] { display: none; }
      .bar { display: flex; justify-content: space-between; align-items: center; padding: 8px 12px; background: #141a22; color: #fff; font: 600 14px system-ui, sans-serif; }
      .bar button { background: none; border: 0; color: #fff; font-size: 20px; cursor: pointer; line-height: 1; }
      iframe { border: 0; width: 100%; flex: 1; }
      @media (max-width: 600px) {
        .panel { right: 0; bottom: 0; width: 100vw; height: 100dvh; border-radius: 0; }
      }
    </style>
    <button class="launcher" type="button" aria-expanded="false"><span class="dot"></span><span class="text"></span></button>
    <div class="panel" role="dialog" aria-label="${label.replace(/"/g, '&quot;')}" hidden>
      <div class="bar"><span class="title"></span><button class="close" type="button" aria-label="Close chat">×</button></div>
    </div>`
  root.querySelector('.text').textContent = label
  root.querySelector('.title').textContent = label
  const launcher = root.querySelector('.launcher')
  const panel = root.querySelector('.panel')
  let frame

  function open() {
    if (!frame) {
      frame = document.createElement('iframe')
      frame.title = label
      frame.src = `${origin}/chat?embed=1${store ? `&store=${encodeURIComponent(store)}` : ''}`
      frame.allow = 'clipboard-write'
      panel.appendChild(frame)
    }
    panel.hidden = false
    launcher.setAttribute('aria-expanded', 'true')
    try { sessionStorage.setItem(OPEN_KEY, '1') } catch {}
  }
  function close() {
    panel.hidden = true
    launcher.setAttribute('aria-expanded', 'false')
    try { sessionStorage.removeItem(OPEN_KEY) } catch {}
  }
  launcher.addEventListener('click', () => (panel.hidden ? open() : close()))
  root.querySelector('.close').addEventListener('click', close)
  const mount = () => {
    document.body.appendChild(host)
    // The chat stays open across page navigation on the dealer's site.
    try { if (sessionStorage.getItem(OPEN_KEY)) open() } catch {}
  }
  if (document.body) mount()
  else document.addEventListener('DOMContentLoaded', mount)
})()
