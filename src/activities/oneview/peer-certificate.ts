import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { connect } from 'node:tls';

/** Longest certificate name repeated in an error: the fields come from whoever answered, so they are bounded. */
const MAX_NAME = 200;

/**
 * Reads the certificate a TLS server presents, without trusting it, after a connection was refused for that
 * certificate: Node's verification error names only the reason, and the operator needs to know what was presented.
 * The probe completes the handshake and hangs up; it sends no request, so no token or password reaches that server.
 */
export function readPeerCertificate(url: URL, timeoutMs = 5_000): Promise<X509Certificate | undefined> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = connect({
      host,
      port: Number(url.port || 443),
      // SNI as undici sends it: a host name, never an IP address.
      ...(isIP(host) ? {} : { servername: host }),
      rejectUnauthorized: false,
    });
    const done = (cert?: X509Certificate) => {
      socket.destroy();
      resolve(cert);
    };
    socket.setTimeout(timeoutMs, () => done());
    socket.once('error', () => done());
    socket.once('secureConnect', () => {
      // Parsed here, inside an event handler: a certificate Node cannot parse must end the probe, not the worker.
      try {
        const raw = socket.getPeerCertificate().raw;
        done(raw ? new X509Certificate(raw) : undefined);
      } catch {
        done();
      }
    });
  });
}

/** Subject, issuer, validity and SHA-256 fingerprint of a certificate on one line, each name bounded in length. */
export function describeCertificate(cert: X509Certificate): string {
  const name = (dn: string) => dn.split('\n').filter(Boolean).join(', ').slice(0, MAX_NAME) || '(empty)';
  const day = (date: string) => new Date(date).toISOString().slice(0, 10);
  return `subject ${name(cert.subject)}, issuer ${name(cert.issuer)}, valid ${day(cert.validFrom)} to ${day(cert.validTo)}, SHA-256 ${cert.fingerprint256}`;
}
