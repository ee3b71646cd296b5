/**
 * How to move data out of (or into) Azure: pg_dump/pg_restore against the
 * private flexible server, from a jump container in the network's `jobs`
 * subnet (part of the network Freehold defines, so an `up` never deletes it),
 * and rclone with an `azureblob` remote using Entra ID.
 */
import { type MigrationDetails, POSTGRES_CLIENT, type StackContext } from "@freehold/core";
import { ADMIN_LOGIN } from "./database";
import { names } from "./naming";
import { JOBS_SUBNET } from "./network";
import { FREE_EGRESS_GIB, PRICES } from "./prices";
import { POSTGRES_SERVER_CA } from "./server-ca";

/** Where the jump container runs: the stack's own network and its jobs subnet, or the user's. */
function jumpPlace(stack: StackContext): { rg: string; vnet: string; vnetLabel: string; subnet: string; note: string } {
  const own = stack.network?.azure;
  if (own) {
    return {
      rg: own.resourceGroupName,
      vnet: own.virtualNetworkName,
      vnetLabel: own.virtualNetworkName,
      subnet: own.jobsSubnetName ?? "<a subnet of yours delegated to Microsoft.ContainerInstance/containerGroups>",
      note: own.jobsSubnetName ? "" : `${own.virtualNetworkName} is your network: use (or add) a subnet delegated to Microsoft.ContainerInstance/containerGroups for the jump container. `,
    };
  }
  // The network lives in a resource group of its own whose name ends in a random suffix (network.ts): found by its tags.
  return { rg: names.resourceGroup(stack.prefix), vnet: networkLookup(stack), vnetLabel: `the stack's network ${names.virtualNetwork(stack.prefix)}`, subnet: JOBS_SUBNET.name, note: "" };
}

/** A shell command that prints the id of the stack's own virtual network (tagged with the stack; in a resource group whose name ends in a random suffix). */
export function networkLookup(stack: StackContext): string {
  return `$(az network vnet list --query "[?name=='${names.virtualNetwork(stack.prefix)}' && tags.\\"freehold-stack\\"=='${stack.name}' && tags.\\"pulumi-stack\\"=='${stack.tags["pulumi-stack"] ?? stack.stack}'].id | [0]" -o tsv)`;
}

/** A shell command that prints the stack's vault name: the vault carries the stack's tags (its name ends in a random suffix). */
export function vaultLookup(stack: StackContext, rg: string): string {
  return `$(az keyvault list -g ${rg} --query "[?tags.\\"freehold-stack\\"=='${stack.name}' && tags.\\"pulumi-stack\\"=='${stack.tags["pulumi-stack"] ?? stack.stack}'].name | [0]" -o tsv)`;
}

export const migration: MigrationDetails = {
  egress: PRICES.egress,
  freeEgressGiB: FREE_EGRESS_GIB,
  database: ({ name, stack, databaseName, physicalName }) => {
    const server = physicalName || names.postgresServer(stack.prefix, name);
    const jump = jumpPlace(stack);
    const secret = names.passwordSecret(name);
    return {
      host: `${server}.postgres.database.azure.com`,
      port: 5432,
      database: databaseName,
      user: ADMIN_LOGIN,
      sslmode: "verify-full",
      // The roots every flexible server's certificate chains to, as linked services get them (server-ca.ts).
      serverCa: { pem: POSTGRES_SERVER_CA },
      access:
        `The server has no public endpoint; its name resolves only inside ${jump.vnetLabel}. Run pg_dump/pg_restore from inside the network: ${jump.note}` +
        `start a jump container in the ${jump.subnet} subnet (az container create -g ${jump.rg} --name pg-jump --image ${POSTGRES_CLIENT.image} ` +
        `--vnet ${jump.vnet} --subnet ${jump.subnet} --command-line "sleep infinity", then ` +
        `az container exec -g ${jump.rg} --name pg-jump --exec-command bash; az container delete -g ${jump.rg} --name pg-jump afterwards), or use a VM in the network reached with az network bastion ssh. ` +
        "Example: pg_dump -Fc -h $HOST -U $USER -d $DB -f db.dump; pg_restore --no-owner --no-privileges --role=app -h $HOST -U $USER -d $DB db.dump (as app, the read-write role, which then owns what is restored)",
      passwordCommand: `az keyvault secret show --id "$(az keyvault secret list --vault-name ${vaultLookup(stack, jump.rg)} --query "[?tags.\\"freehold-secret\\"=='${secret}'].id | [0]" -o tsv)" --query value -o tsv`,
    };
  },
  objectStore: ({ name, stack, bucketName }) => {
    const account = names.storageAccount(stack.prefix, name);
    return {
      rcloneType: "azureblob",
      rcloneOptions: { account, env_auth: "true" },
      path: bucketName || names.blobContainer(name),
      access:
        `Shared keys are disabled on ${account}: authenticate with Entra ID (env_auth reads AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, a managed identity, or an az login session). ` +
        `The operator needs Storage Blob Data Reader (export) or Contributor (import) on the container: ` +
        `az role assignment create --role "Storage Blob Data Contributor" --assignee <you> --scope <container id>. ` +
        `A store without CORS rules answers only the stack's network: run rclone from the jump container, or let your address in for the copy ` +
        `(az storage account network-rule add --account-name ${account} --ip-address <your address>; network-rule remove afterwards)`,
    };
  },
};
