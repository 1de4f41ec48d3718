/**
 * HTTPS for pages opened from another device: browsers give a page on a plain-http LAN address no
 * secure context, hence no WebGPU, no cross-origin isolation and a clock coarsened to 100 µs or more,
 * too coarse to time kernels. So a server that is not on loopback serves a self-signed certificate
 * made for this session (kept in memory, never written), for this machine's addresses; the user checks
 * its fingerprint in the browser's warning and proceeds.
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { generate } from 'selfsigned';

/** A certificate and its key (PEM), and the certificate's SHA-256 fingerprint as browsers show it. */
export interface SessionCertificate {
  readonly key: string;
  readonly cert: string;
  readonly fingerprint256: string;
}

/** A self-signed certificate for `hosts` (IP addresses or names), valid for two days. */
export async function sessionCertificate(hosts: readonly string[]): Promise<SessionCertificate> {
  const now = Date.now();
  const altNames = [...new Set(['localhost', '127.0.0.1', ...hosts])].map((h) => (isIP(h) === 0 ? { type: 2 as const, value: h } : { type: 7 as const, ip: h }));
  const pems = await generate([{ name: 'commonName', value: 'morphlat profile' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 2 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { key: pems.private, cert: pems.cert, fingerprint256: new X509Certificate(pems.cert).fingerprint256 };
}
