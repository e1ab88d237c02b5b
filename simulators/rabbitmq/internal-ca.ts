import { generate } from 'selfsigned';

/** A PEM certificate with its private key. */
export interface KeyPair {
  cert: string;
  key: string;
}

/**
 * The appliance's internal certificate authority, as OneView has one: it signs the message bus's server certificate
 * and the client certificates that `POST /rest/certificates/client/rabbitmq` generates.
 */
export interface InternalCa {
  ca: KeyPair;
  /** Issues a certificate for TLS clients (`client`: subject CN is the AMQP user) or for the broker (`server`). */
  issue(commonName: string, use: 'client' | 'server'): Promise<KeyPair>;
}

/** Creates a fresh internal CA (one per simulated appliance, or per broker in tests). */
export async function createInternalCa(name = 'OneView simulator internal CA'): Promise<InternalCa> {
  const root = await generate([{ name: 'commonName', value: name }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const ca = { cert: root.cert, key: root.private };
  return {
    ca,
    async issue(commonName, use) {
      const pems = await generate([{ name: 'commonName', value: commonName }], {
        keySize: 2048,
        algorithm: 'sha256',
        ca,
        extensions: [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
          use === 'server' ? { name: 'extKeyUsage', serverAuth: true } : { name: 'extKeyUsage', clientAuth: true },
          ...(use === 'server'
            ? [
                {
                  name: 'subjectAltName' as const,
                  altNames: [
                    { type: 2 as const, value: 'localhost' },
                    { type: 7 as const, ip: '127.0.0.1' },
                  ],
                },
              ]
            : []),
        ],
      });
      return { cert: pems.cert, key: pems.private };
    },
  };
}
