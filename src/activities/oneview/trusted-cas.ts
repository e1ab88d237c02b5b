import * as tls from 'node:tls';

/**
 * The CA certificates (PEM) a OneView client trusts: Node's defaults plus the extra PEM, or only the extra PEM when
 * `only` is set; undefined (Node's defaults) without an extra PEM. Node's `ca` option replaces its defaults, so adding
 * a private CA means passing the defaults along.
 */
export function trustedCertificates(extraPem: string | undefined, only: boolean): string[] | undefined {
  if (extraPem === undefined) return undefined;
  return only ? [extraPem] : [...defaultCertificates(), extraPem];
}

/** Node's default trust store: 22.15+ says which it really uses (bundled, NODE_EXTRA_CA_CERTS, --use-system-ca). */
function defaultCertificates(): readonly string[] {
  const { getCACertificates } = tls as { getCACertificates?: (type: 'default') => string[] };
  // Older Node offers only its bundled Mozilla store; NODE_EXTRA_CA_CERTS then belongs in the extra PEM file too.
  return getCACertificates ? getCACertificates('default') : tls.rootCertificates;
}
