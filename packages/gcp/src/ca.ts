/**
 * The database CA file in a Cloud Run container. Links that verify the server
 * (`DATABASE_SSLMODE=verify-full`) read the certificate authorities of every
 * linked database from `DATABASE_CA_PATH`; Cloud Run has no plain-text
 * volume, so the PEMs (public data) are a Secret Manager secret, one replica in
 * the region, mounted as a read-only file of mode 0444, readable by any uid
 * and unaffected by a read-only root filesystem
 * (https://cloud.google.com/run/docs/configuring/services/secrets#mounting-secrets).
 * The same file works for a service, a job and a worker pool: only the
 * identity that reads it is granted access to it.
 */
import { basename, dirname } from "node:path";
import { DATABASE_CA_PATH, SAME_ID_DELETE_FIRST } from "@freehold/core";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as pulumi from "@pulumi/pulumi";
import type { GcpPlatform } from "./network";

/** The volume's name in the container spec. */
export const CA_VOLUME = "database-ca";
/** r--r--r--: any uid may read it, nobody may write it. */
export const CA_FILE_MODE = 0o444;

/** A CA bundle delivered as a secret, and how a Cloud Run container mounts it. */
export interface CaBundle {
  secret: secretmanager.Secret;
  version: secretmanager.SecretVersion;
  /** The `volumes` entry (services, jobs and worker pools share its shape). */
  volume: { name: string; secret: { secret: pulumi.Output<string>; defaultMode: number; items: Array<{ path: string; version: pulumi.Output<string>; mode: number }> } };
  /** The container's `volumeMounts` entry: the file appears at `DATABASE_CA_PATH`. */
  mount: { name: string; mountPath: string };
}

/** The PEMs, concatenated, in one secret of the stack's region. */
export function caBundle(logical: string, secretId: pulumi.Input<string>, pems: ReadonlyArray<pulumi.Input<string>>, platform: GcpPlatform, opts: pulumi.CustomResourceOptions): CaBundle {
  const secret = new secretmanager.Secret(
    `${logical}-database-ca`,
    { secretId, replication: { userManaged: { replicas: [{ location: platform.region }] } }, labels: platform.labels },
    { ...opts, ...SAME_ID_DELETE_FIRST, dependsOn: [platform.api("secretmanager")] },
  );
  const data = pulumi.all([...pems]).apply((all) => all.map((p) => String(p ?? "").trim()).filter(Boolean).join("\n").concat("\n"));
  const version = new secretmanager.SecretVersion(`${logical}-database-ca-version`, { secret: secret.id, secretData: data }, opts);
  return {
    secret,
    version,
    volume: { name: CA_VOLUME, secret: { secret: secret.secretId, defaultMode: CA_FILE_MODE, items: [{ path: basename(DATABASE_CA_PATH), version: version.version, mode: CA_FILE_MODE }] } },
    mount: { name: CA_VOLUME, mountPath: dirname(DATABASE_CA_PATH) },
  };
}
