/**
 * A private certificate authority for one drill, made with openssl in the
 * drill's private folder: the local servers present a certificate it signed
 * for 127.0.0.1, so clients connect with `sslmode=verify-full` and the CA
 * file, exactly the DATABASE_SSLMODE / DATABASE_SSLROOTCERT contract an
 * application gets from a backend that gives its server's CA. The keys never
 * leave the folder, which the drill removes at its end.
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { MissingToolError } from "../errors";
import { runOk } from "../proc";

export interface DrillTls {
  /** The CA certificate (PEM) and its file: what DATABASE_SSLROOTCERT points at. */
  caPem: string;
  caFile: string;
  /** The servers' certificate and key (PEM), for 127.0.0.1 and localhost. */
  cert: string;
  key: string;
}

function openssl(): string {
  for (const p of ["/usr/bin/openssl", "/usr/local/bin/openssl"]) if (existsSync(p)) return p;
  throw new MissingToolError("openssl", "apt-get install -y openssl");
}

/** What the drill needs beyond the rehearsal's tools: openssl for its CA (an empty list when it is there). */
export function drillTlsPreflight(): string[] {
  try {
    openssl();
    return [];
  } catch (e) {
    return [e instanceof Error ? e.message : String(e)];
  }
}

/** An EC P-256 CA (valid two days) and a server certificate it signs, in `dir` (a private folder). */
export async function makeDrillTls(dir: string): Promise<DrillTls> {
  const bin = openssl();
  const f = (name: string) => path.join(dir, name);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await runOk(bin, ["req", "-x509", ...ec, "-keyout", f("ca.key"), "-out", f("ca.pem"), "-days", "2", "-subj", "/CN=Freehold exit drill CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  await runOk(bin, ["req", ...ec, "-keyout", f("server.key"), "-out", f("server.csr"), "-subj", "/CN=127.0.0.1"]);
  await writeFile(f("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n", { mode: 0o600 });
  await runOk(bin, ["x509", "-req", "-in", f("server.csr"), "-CA", f("ca.pem"), "-CAkey", f("ca.key"), "-CAcreateserial", "-out", f("server.pem"), "-days", "2", "-extfile", f("server.ext")]);
  const [caPem, cert, key] = await Promise.all([readFile(f("ca.pem"), "utf8"), readFile(f("server.pem"), "utf8"), readFile(f("server.key"), "utf8")]);
  return { caPem, caFile: f("ca.pem"), cert, key };
}
