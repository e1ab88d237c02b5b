import { X509Certificate } from 'node:crypto';
import type { EnvReader } from './env-reader';

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Reads a PEM file of CA certificates (ONEVIEW_CACERT, an appliance's caFile) and returns its certificate blocks; a
 * file without one, or with one that does not parse, is a problem naming `label` and the path. Checked at start
 * because TLS would otherwise fail only at the first poll, or trust nothing extra without saying so.
 */
export function readCaCertificates(reader: EnvReader, path: string, label: string): string | undefined {
  const text = reader.readFileOrProblem(path, label);
  if (text === undefined) return undefined;
  const blocks = text.match(CERTIFICATE_BLOCK) ?? [];
  if (blocks.length === 0) {
    reader.problems.push(`${label} (${path}) holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
    return undefined;
  }
  const broken = blocks.flatMap((block, i) => (parses(block) ? [] : [i + 1]));
  if (broken.length > 0) {
    reader.problems.push(`${label} (${path}): certificate ${broken.join(', ')} of ${blocks.length} does not parse`);
    return undefined;
  }
  // Only the certificates go on to TLS: anything else in the file (a private key, comments) is left behind.
  return `${blocks.join('\n')}\n`;
}

function parses(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}
