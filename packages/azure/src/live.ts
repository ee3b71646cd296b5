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
 * - the subnet of a flexible server: fixed at creation, so a server is
 *   refused a move to another network's subnet, which would replace it
 *   (refuseServerMove).
 * - whether the stack's network is in the stack's own resource group, where
 *   stacks first deployed by earlier versions have it: such a stack keeps it
 *   there (networkGroupOf), since moving it would replace every server and
 *   environment in it.
 *
 * Each read is an invoke made with the component's provider; a resource that
 * does not exist yet (Azure answers NotFound, for it or its resource group)
 * reads as `undefined`. Any other failure (no permission, throttling, an
 * outage) stops the program: reading "no hostnames" by mistake would drop a
 * bound certificate from the program, and Pulumi would then delete it.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as network from "@pulumi/azure-native/network";

/** The invokes made here, by token (the mocks answer them; tests list them). */
export const LIVE_READS = { containerApp: "azure-native:app:getContainerApp", server: "azure-native:dbforpostgresql:getServer", virtualNetwork: "azure-native:network:getVirtualNetwork" } as const;

/**
 * Azure's answer for a resource, or a resource group, that does not exist: `ResourceNotFound`, `ResourceGroupNotFound`,
 * `ParentResourceNotFound` and the like, with HTTP status 404
 * (https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-not-found).
 */
export function isNotFound(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /\b\w*NotFound\b|\b404\b/.test(text);
}

/** An invoke's result, undefined where Azure says the resource is not there; any other failure stops the program, saying why it needs the read. */
export async function readOrAbsent<T>(what: string, why: string, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw new Error(`Could not read ${what} from Azure (${e instanceof Error ? e.message : String(e)}): the deployment needs it ${why}. Check the deploying identity's Reader access and try again.`);
  }
}

/** The hostnames on a container app's ingress now, or undefined where the app does not exist (yet). */
export async function liveCustomDomains(resourceGroupName: string, containerAppName: string, opts: pulumi.InvokeOptions): Promise<string[] | undefined> {
  const found = await readOrAbsent(`container app ${containerAppName}`, "to keep its custom domain's certificate", () => app.getContainerApp({ resourceGroupName, containerAppName }, opts));
  const domains = found?.configuration?.ingress?.customDomains;
  return Array.isArray(domains) ? domains.map((d) => d.name) : found?.id ? [] : undefined;
}

/** What a flexible server has now: its disk size (GiB) and the subnet it is in, each undefined where unknown. */
export interface LiveServer {
  storageGiB?: number;
  delegatedSubnetId?: string;
}

/** A flexible server's disk size and subnet now, or undefined where the server does not exist (yet). */
export async function liveServer(resourceGroupName: string, serverName: string, opts: pulumi.InvokeOptions): Promise<LiveServer | undefined> {
  const found = await readOrAbsent(`PostgreSQL server ${serverName}`, "to never ask for a smaller disk than auto-grow has made, nor move the server to another network", () =>
    dbforpostgresql.getServer({ resourceGroupName, serverName }, opts),
  );
  if (!found) return undefined;
  const size = found.storage?.storageSizeGB;
  const subnet = found.network?.delegatedSubnetResourceId;
  return { storageGiB: typeof size === "number" && size > 0 ? size : undefined, delegatedSubnetId: typeof subnet === "string" && subnet ? subnet : undefined };
}

/**
 * Whether the stack's own resource group holds the stack's virtual network: stacks first deployed by earlier versions
 * of Freehold have it there; newer ones have it in a resource group of its own. A virtual network cannot move
 * between resource groups without a new id, and the subnets of flexible servers and Container Apps environments are
 * fixed at creation, so a stack that has its network in its own resource group keeps it there for its whole life.
 * The answer is stable: the network is there exactly as long as the stack that made it keeps it (a destroy that
 * deletes it, or leaves none, lets the next up build the newer layout).
 */
export async function networkInStackGroup(resourceGroupName: string, virtualNetworkName: string, opts: pulumi.InvokeOptions): Promise<boolean> {
  const found = await readOrAbsent(`virtual network ${virtualNetworkName} in ${resourceGroupName}`, "to keep an existing network where it is (moving it would replace the servers and environments in it)", () =>
    network.getVirtualNetwork({ resourceGroupName, virtualNetworkName }, opts),
  );
  return Boolean(found?.id);
}

/** The resource group in an ARM id, lower case; undefined when the id names none. */
const groupOfId = (id: string): string | undefined => /\/resourcegroups\/([^/]+)\//i.exec(id)?.[1]?.toLowerCase();

/**
 * Refuse to move a live flexible server to a subnet in another resource group's network. A server's delegated subnet
 * is fixed at creation ("You can't change your networking option after the server is created",
 * https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-networking; the rule book's replaceOn for
 * network.delegatedSubnetResourceId), so a program that asks for another one replaces the server: a new, empty
 * server, and the old one and its data deleted unless the database is deletion-protected. The program keeps an
 * existing network where it is (networkInStackGroup), so this stands guard against a network that moved anyway.
 */
export function refuseServerMove(serverName: string, networkGroupName: string, liveSubnetId: string | undefined): void {
  if (!liveSubnetId) return;
  const liveGroup = groupOfId(liveSubnetId);
  if (!liveGroup || liveGroup === networkGroupName.toLowerCase()) return;
  throw new Error(
    `PostgreSQL server ${serverName} is in a subnet of a network in resource group ${liveGroup} (${liveSubnetId}), but this up would put it in the network in ${networkGroupName}; ` +
      "a server's subnet cannot change after it is created, so this up would replace the server with an empty one and delete the old one with its data. " +
      "Move the data first (docs/azure.md, 'A network a destroy leaves'): copy it out with the migration runbook, lift the protection and deploy, then copy it back.",
  );
}
