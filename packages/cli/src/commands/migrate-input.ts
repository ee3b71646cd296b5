/**
 * What `freehold migrate` accepts on its command line, and what it refuses
 * there: a password or a storage key on a command line can be read by every
 * user of the host (`ps`, /proc/PID/cmdline) for as long as the run lasts,
 * so secrets come from a file only the user can read, or from the
 * environment (which only the user and root can read).
 */
import { lstatSync } from "node:fs";
import path from "node:path";
import type { ParsedArgs } from "../args";
import { type RcloneRemote, SECRET_OPTION } from "../migrate/rclone";
import { parseRemoteString } from "../migrate/remote";
import { pseudoFilesystem, readPrivateFileSync, UntrustedFileError } from "../migrate/folders";

export type SideFlag = "from" | "to";

/** A `%` not followed by two hexadecimal digits: a URL would be misread, or rejected by libpq. */
function badEscapes(text: string): string[] {
  return [...text.matchAll(/%(?![0-9A-Fa-f]{2})(.{0,2})/g)].map((m) => `%${m[1] ?? ""}`);
}

/** The flag that lets an operator connect without checking the server (a local test server without a CA). */
export const ALLOW_UNVERIFIED_TLS = "allow-unverified-tls";

/**
 * Why a URL does not verify the server it reaches, or undefined when it does: libpq checks the certificate's
 * chain and host name only with `sslmode=verify-full`; `require` and `verify-ca` encrypt but take any server
 * (verify-ca any server the CA signed), `prefer`/`allow`/`disable` may not even encrypt
 * (https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION). The URL must say it: it
 * overrides a service file and PGSSLMODE. A Unix-domain socket (`host=/dir`) has no TLS to verify.
 */
export function unverifiedTls(u: URL, flag: SideFlag): string | undefined {
  const q = u.searchParams;
  if (u.hostname === "" && (q.get("host") ?? "").startsWith("/")) return undefined;
  const mode = q.get("sslmode");
  if (mode === "verify-full") return undefined;
  const what =
    mode === null
      ? "the URL gives no sslmode, so libpq would take a service file's, PGSSLMODE or its default (prefer: TLS when the server offers it, the server never checked)"
      : mode === "verify-ca"
        ? "sslmode=verify-ca checks that a known authority signed the certificate, not that it names this host: any server that authority signed would do"
        : `sslmode=${mode} does not check who answers: anyone on the path can pose as the server and read the data and the password`;
  return `--${flag}: ${what}. Connect with sslmode=verify-full and sslrootcert=FILE, the server's certificate authorities (the database's serverCa output; freehold exit-plan's runbook writes them to a file), or, for a local test server without a certificate authority, add --${ALLOW_UNVERIFIED_TLS}`;
}

/**
 * Check a PostgreSQL URL given on the command line: well formed, names a database, holds no secret, and
 * (unless `tls` is "any": the operator said --allow-unverified-tls, or the URL is one a server uses) verifies the server.
 */
export function postgresUrl(text: string, flag: SideFlag, problems: string[], tls: "verified" | "any" = "verified"): string {
  const bad = badEscapes(text);
  if (bad.length > 0) problems.push(`--${flag}: ${bad.map((b) => JSON.stringify(b)).join(", ")} ${bad.length === 1 ? "is" : "are"} not a URL escape: in a URL a "%" must be written %25`);
  let u: URL | undefined;
  try {
    u = new URL(text);
  } catch {
    /* not a URL */
  }
  if (!u || (u.protocol !== "postgres:" && u.protocol !== "postgresql:") || u.pathname.length <= 1) {
    problems.push(`--${flag}: not a PostgreSQL URL with a database name (expected postgresql://user@host:port/database)`);
    return text;
  }
  if (u.password !== "" || u.searchParams.has("password"))
    problems.push(
      `--${flag}: the URL holds a password, which every user of this host can read in the process list while freehold runs; leave it out and give it with --${flag}-password-file FILE (a file only you can read), --${flag}-password-env NAME, or a password file libpq reads (PGPASSFILE, ~/.pgpass)`,
    );
  const unverified = tls === "verified" ? unverifiedTls(u, flag) : undefined;
  if (unverified) problems.push(unverified);
  if (u.searchParams.has("sslpassword"))
    problems.push(`--${flag}: the URL holds sslpassword, which would be on the command line of every PostgreSQL tool; put it in a connection service file only you can read and name it with ?service=NAME (https://www.postgresql.org/docs/current/libpq-pgservice.html)`);
  return text;
}

/** Check an rclone remote given on the command line: well formed, no secret option in it. */
export function remoteArg(text: string, flag: SideFlag, problems: string[]): RcloneRemote | undefined {
  const p = parseRemoteString(text);
  if (!p.ok) {
    problems.push(`--${flag}: ${JSON.stringify(text)} ${p.reason}`);
    return undefined;
  }
  const secret = Object.keys(p.remote.options).filter((k) => SECRET_OPTION.test(k));
  if (secret.length > 0)
    problems.push(
      `--${flag}: ${secret.join(", ")} ${secret.length === 1 ? "is a secret" : "are secrets"}, which every user of this host can read in the process list while freehold runs; put ${secret.length === 1 ? "it" : "them"} in a file only you can read, one name=value a line, and give --${flag}-secrets-file FILE (or use env_auth and the cloud's own environment variables)`,
    );
  return p.remote;
}

/** A secret file's text: a regular file of this user's that no one else can read (checked on the open file), or a problem. */
function readSecretFile(file: string, flag: string, problems: string[]): string | undefined {
  try {
    const text = readPrivateFileSync(path.resolve(file));
    if (text === undefined) problems.push(`--${flag} ${file}: no such file`);
    return text;
  } catch (e) {
    if (e instanceof UntrustedFileError) problems.push(`--${flag} ${file}: ${e.why}${/open to other users/.test(e.why) ? "; chmod 600 it" : ""}`);
    else problems.push(`--${flag} ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    return undefined;
  }
}

/** The password for one side, from --<side>-password-file (its first line) or --<side>-password-env; undefined when neither is given. */
export function passwordFor(args: ParsedArgs, side: SideFlag, problems: string[]): string | undefined {
  const file = args.flags[`${side}-password-file`] as string | undefined;
  const env = args.flags[`${side}-password-env`] as string | undefined;
  if (file !== undefined && env !== undefined) {
    problems.push(`--${side}-password-file and --${side}-password-env are both given; use one`);
    return undefined;
  }
  if (file !== undefined) {
    const text = readSecretFile(file, `${side}-password-file`, problems);
    if (text === undefined) return undefined;
    const pw = text.split(/\r?\n/)[0] ?? "";
    if (pw === "") problems.push(`--${side}-password-file ${file}: its first line is empty`);
    return pw || undefined;
  }
  if (env !== undefined) {
    const pw = process.env[env];
    if (!pw) problems.push(`--${side}-password-env ${env}: no such environment variable, or it is empty`);
    return pw || undefined;
  }
  return undefined;
}

/** Add the secret options of --<side>-secrets-file (lines `name=value`, `#` comments) to a remote. */
export function withSecrets(remote: RcloneRemote | undefined, args: ParsedArgs, side: SideFlag, problems: string[]): RcloneRemote | undefined {
  const file = args.flags[`${side}-secrets-file`] as string | undefined;
  if (file === undefined || remote === undefined) return remote;
  const text = readSecretFile(file, `${side}-secrets-file`, problems);
  if (text === undefined) return remote;
  const options = { ...remote.options };
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "" || line.trimStart().startsWith("#")) return;
    const m = /^\s*([A-Za-z0-9_]+)\s*=(.*)$/.exec(line);
    if (!m) problems.push(`--${side}-secrets-file ${file}, line ${i + 1}: not name=value`);
    else if ((m[1] as string) in remote.options) problems.push(`--${side}-secrets-file ${file}, line ${i + 1}: ${m[1]} is also given in --${side}; give it once`);
    else options[m[1] as string] = m[2] as string;
  });
  return { ...remote, options };
}

/** Problems with a file the run will write (--manifest): not a folder, not a link, not on a pseudo filesystem. */
export function outputFileProblems(file: string, flag: string): string[] {
  const abs = path.resolve(file);
  const pseudo = pseudoFilesystem(abs);
  if (pseudo) return [`--${flag} ${file}: ${pseudo}; give a file on a disk`];
  try {
    const st = lstatSync(abs);
    if (st.isSymbolicLink()) return [`--${flag} ${file}: is a symbolic link; give the file itself`];
    if (st.isDirectory()) return [`--${flag} ${file}: is a folder; give a file name`];
    if (!st.isFile()) return [`--${flag} ${file}: is not a regular file`];
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOTDIR") return [`--${flag} ${file}: a part of the path is a file, not a folder`];
  }
  return [];
}
