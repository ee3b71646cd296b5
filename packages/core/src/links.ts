import { type Cloud, linkVariableNames, linkVariablePrefix } from "@freehold/model";
import * as pulumi from "@pulumi/pulumi";
import { DATABASE_CA_PATH, type LinkEnvironment, type LinkTarget } from "./backend";
import { appRoleName } from "./database-roles";

const OBJECT_STORE_PROVIDER: Record<Cloud, string> = { aws: "s3", azure: "azureblob", gcp: "gcs" };

/**
 * The neutral environment variables a web service gets from its links.
 * One link of a kind gets plain names (`DATABASE_HOST`); with several, each is
 * prefixed by the component's name (`REPORTS_DATABASE_HOST`).
 *
 * Database: DATABASE_HOST, DATABASE_PORT, DATABASE_NAME, DATABASE_USER (the
 * role the link's access maps to: `app`, or `app_read` for a read link),
 * DATABASE_SSLMODE (`verify-full` where the backend gives the server's CA, with
 * DATABASE_SSLROOTCERT the path of the CA file in the container; else `require`)
 * and DATABASE_PASSWORD (that role's password, a secret from the cloud's secret
 * store: each backend maps it to the role's own secret).
 * Object store: OBJECT_STORE_PROVIDER (s3 | azureblob | gcs), OBJECT_STORE_BUCKET,
 * OBJECT_STORE_ENDPOINT, OBJECT_STORE_ACCESS.
 */
export function linkEnvironment(cloud: Cloud, links: readonly LinkTarget[]): LinkEnvironment {
  const env: LinkEnvironment = { plain: {}, secrets: [] };
  for (const link of links) {
    const p = linkVariablePrefix(links, link);
    if (link.kind === "database") {
      env.plain[`${p}HOST`] = link.outputs.host ?? "";
      env.plain[`${p}PORT`] = link.outputs.port ?? "5432";
      env.plain[`${p}NAME`] = link.outputs.databaseName ?? "";
      env.plain[`${p}USER`] = databaseUser(link);
      if (link.outputs.serverCa !== undefined) {
        env.plain[`${p}SSLMODE`] = "verify-full";
        env.plain[`${p}SSLROOTCERT`] = DATABASE_CA_PATH;
      } else env.plain[`${p}SSLMODE`] = "require";
      env.secrets.push({ name: `${p}PASSWORD`, target: link, key: "password" });
    } else {
      env.plain[`${p}PROVIDER`] = OBJECT_STORE_PROVIDER[cloud];
      env.plain[`${p}BUCKET`] = link.outputs.bucketName ?? "";
      env.plain[`${p}ENDPOINT`] = link.outputs.endpoint ?? "";
      env.plain[`${p}ACCESS`] = link.access;
    }
  }
  return env;
}

/** Names a set of links reserves (those it injects, and DATABASE_SSLROOTCERT even where a cloud gives no CA), to refuse user env that collides with them. */
export function linkEnvironmentNames(_cloud: Cloud, links: readonly LinkTarget[]): string[] {
  return linkVariableNames(links);
}

/**
 * The role a database link connects as, the same on every cloud. It waits for
 * the database's `username` output, which each backend resolves only once the
 * role exists where it can (the role job), so a service never starts before
 * its role does.
 */
function databaseUser(link: LinkTarget): pulumi.Input<string> {
  const role = appRoleName(link.access);
  const ready = link.outputs.username;
  return ready === undefined ? role : pulumi.output(ready).apply(() => role);
}
