/**
 * What the cloud holds now, read while the program runs (at `pulumi preview`
 * and `pulumi up`), for the two decisions that must follow Azure rather than
 * the program's last record:
 *
 * - the custom domains already on a container app: a managed certificate can
 *   be created only for a hostname already on an app in the environment, and
 *   the app must then depend on it, so that a removal or a destroy deletes the
 *   app (and with it the binding) before the certificate (docs/azure.md,
 *   "Custom domains");
 * - the disk size of a flexible server: auto-grow grows it by itself, and Azure
 *   refuses any update that asks for less than the disk has
 *   (https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-storage-premium-ssd).
 *
 * Each read is an invoke made with the component's provider; a resource that
 * does not exist yet (or a preview without credentials) reads as `undefined`.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";

/** The invokes made here, by token (the mocks answer them; tests list them). */
export const LIVE_READS = { containerApp: "azure-native:app:getContainerApp", server: "azure-native:dbforpostgresql:getServer" } as const;

/** The hostnames on a container app's ingress now, or undefined where the app does not exist (yet). */
export async function liveCustomDomains(resourceGroupName: string, containerAppName: string, opts: pulumi.InvokeOptions): Promise<string[] | undefined> {
  try {
    const found = await app.getContainerApp({ resourceGroupName, containerAppName }, opts);
    const domains = found?.configuration?.ingress?.customDomains;
    return Array.isArray(domains) ? domains.map((d) => d.name) : found?.id ? [] : undefined;
  } catch {
    return undefined;
  }
}

/** A flexible server's disk size now, GiB, or undefined where the server does not exist (yet). */
export async function liveStorageGiB(resourceGroupName: string, serverName: string, opts: pulumi.InvokeOptions): Promise<number | undefined> {
  try {
    const found = await dbforpostgresql.getServer({ resourceGroupName, serverName }, opts);
    const size = found?.storage?.storageSizeGB;
    return typeof size === "number" && size > 0 ? size : undefined;
  } catch {
    return undefined;
  }
}
