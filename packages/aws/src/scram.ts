/**
 * PostgreSQL SCRAM-SHA-256 password verifiers, computed where the password is
 * generated, so that the container that sets an application role's password
 * sends PostgreSQL the verifier (`ALTER ROLE ... PASSWORD 'SCRAM-SHA-256$...'`),
 * never the password itself: nothing that logs statements can log it, and the
 * setup container is never given the application's password.
 *
 * Format (PostgreSQL, src/common/scram-common.c):
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, base64, with
 * SaltedPassword = PBKDF2-HMAC-SHA-256(password, salt, iterations) and the keys
 * of RFC 5802 section 3 / RFC 7677.
 * https://www.postgresql.org/docs/current/catalog-pg-authid.html
 */
import { createHash, createHmac, pbkdf2Sync } from "node:crypto";

/** PostgreSQL's default `scram_iterations`. */
export const SCRAM_ITERATIONS = 4096;

/**
 * The verifier of a password. The salt is derived from the password (HMAC),
 * so the same password always gives the same verifier and plans stay
 * deterministic; the passwords are 40 random characters, so no two roles share
 * a salt. Passwords must be ASCII letters and digits (SASLprep leaves them as
 * they are).
 */
export function scramVerifier(password: string, iterations = SCRAM_ITERATIONS): string {
  const salt = createHmac("sha256", "freehold scram salt").update(password).digest().subarray(0, 16);
  const salted = pbkdf2Sync(password, salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}
