/** After hours, the rider may leave a phone or email so staff can follow up; consent wording is the dealer's. */
export function ContactForm({ conversationId, consent, error, saved }: { conversationId: string; consent: string; error?: string; saved?: boolean }) {
  if (saved) return <p id="contact" class="contact saved" role="status">Thanks — we'll follow up as soon as we open.</p>
  return (
    <form id="contact" class="contact" hx-post={`/chat/${conversationId}/contact`} hx-swap="outerHTML">
      <p>Want us to follow up? Leave a phone number or email.</p>
      <input name="name" placeholder="Name" maxlength={100} autocomplete="name" />
      <input name="phone" placeholder="Phone" maxlength={30} autocomplete="tel" inputmode="tel" />
      <input name="email" type="email" placeholder="Email" maxlength={200} autocomplete="email" />
      <label class="check"><input type="checkbox" name="consent" value="1" required /> {consent}</label>
      {error && <p class="error" role="alert">{error}</p>}
      <button type="submit">Send my details</button>
    </form>
  )
}
