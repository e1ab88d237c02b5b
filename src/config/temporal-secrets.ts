import type { TemporalConfig } from './types';

/** The secret values of a Temporal connection (payload keys, API key), for a process's logger to scrub. */
export function temporalSecretValues(temporal: TemporalConfig): string[] {
  const { encryption, apiKey } = temporal;
  return [
    encryption.key?.toString('base64'),
    ...(encryption.previousKeys ?? []).map((previous) => previous.key.toString('base64')),
    apiKey,
  ].filter((s): s is string => Boolean(s));
}
