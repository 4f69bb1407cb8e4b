// Self-signed certificates for TLS tests, made by openssl: each is its own CA.
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** A PEM certificate and its private key. */
export interface Pem {
  readonly cert: string;
  readonly key: string;
}

/**
 * A self-signed certificate for `commonName` valid for `altNames` (e.g. `IP:127.0.0.1,DNS:localhost`),
 * its files written to `dir` as `<name>.crt` and `<name>.key`.
 */
export function selfSigned(dir: string, name: string, commonName: string, altNames: string): Pem {
  const [key, cert] = [join(dir, `${name}.key`), join(dir, `${name}.crt`)];
  const made = Bun.spawnSync([
    "openssl",
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    key,
    "-out",
    cert,
    "-days",
    "1",
    "-subj",
    `/CN=${commonName}`,
    "-addext",
    `subjectAltName=${altNames}`,
  ], { stderr: "pipe" });
  if (made.exitCode !== 0) throw new Error(`openssl failed: ${made.stderr.toString()}`);
  return { cert: readFileSync(cert, "utf8"), key: readFileSync(key, "utf8") };
}
