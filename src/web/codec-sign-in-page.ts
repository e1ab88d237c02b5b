/** The codec sign-in form: no script, no style, one password field posted to this same server. */
export function signInPage(): string {
  return page(
    'Codec sign-in',
    `<p>Sign this browser in to the payload codec, so the Temporal Web UI can show decrypted payloads.</p>
<form method="post" action="/codec/sign-in">
<label>Codec token (CODEC_AUTH_TOKEN) <input type="password" name="token" autocomplete="off" required></label>
<button type="submit">Sign in</button>
</form>`,
  );
}

/** What the sign-in answers a browser: until when, and how to point the Web UI at the codec with the cookie. */
export function signedInPage(expiresAt: Date): string {
  return page(
    'Codec: signed in',
    `<p id="signed-in">Signed in until ${expiresAt.toISOString()}.</p>
<p>In the Temporal Web UI: <b>Codec Server</b> (top bar) &rarr; use the browser setting &rarr; endpoint: this server's
<code>/codec</code> URL &rarr; tick <b>Include cross-origin credentials</b> &rarr; Apply.</p>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body>\n<h1>${title}</h1>\n${body}\n</body></html>\n`;
}
