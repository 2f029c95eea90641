// A swap style for live transcripts (served inside /static/htmx-sse.min.js, after htmx): appends the elements of the
// fragment whose id is not on the page yet, in order, and leaves the ones already there as they are. A page reads its
// stream position before its content, so an event that commits in between is both on the page and replayed by the
// stream: the line is shown once (and a line the rider already rated keeps its rating).
htmx.registerExtension('append-new', {
  handle_swap(style, target, fragment) {
    if (style !== 'appendNew') return false
    const added = []
    for (const el of Array.from(fragment.children)) {
      if (el.id && document.getElementById(el.id)) continue
      target.appendChild(el)
      added.push(el)
    }
    return added
  },
})
