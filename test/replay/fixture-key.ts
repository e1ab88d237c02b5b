/**
 * The payload key the recorded histories were encrypted with. A fixture, not a secret: it protects nothing but the
 * simulators' made-up alerts and session tokens, and replay needs it to decode the recorded inputs.
 */
export const FIXTURE_PAYLOAD_KEY = Buffer.from('cmVwbGF5LWZpeHR1cmUta2V5LW5vdC1hLXNlY3JldCE=', 'base64');
