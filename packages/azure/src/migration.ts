/**
 * How to move data out of (or into) Azure: pg_dump/pg_restore against the
 * private flexible server, and rclone with an `azureblob` remote using Entra ID.
 */
import type { MigrationDetails } from "@freehold/core";
import { ADMIN_LOGIN } from "./database";
import { names } from "./naming";
import { FREE_EGRESS_GIB, PRICES } from "./prices";

export const migration: MigrationDetails = {
  egress: PRICES.egress,
  freeEgressGiB: FREE_EGRESS_GIB,
  database: ({ name, stack, databaseName, physicalName }) => {
    const server = physicalName || names.postgresServer(stack.prefix, name);
    const rg = names.resourceGroup(stack.prefix);
    const vnet = names.virtualNetwork(stack.prefix);
    return {
      host: `${server}.postgres.database.azure.com`,
      port: 5432,
      database: databaseName,
      user: ADMIN_LOGIN,
      sslmode: "require",
      access:
        `The server has no public endpoint; its name resolves only inside ${vnet}. Run pg_dump/pg_restore from inside the network: ` +
        `start a jump container in a new subnet of ${vnet} (az container create -g ${rg} --name pg-jump --image postgres:16 ` +
        `--vnet ${vnet} --subnet jump --subnet-address-prefix 10.42.3.0/27 --command-line "sleep infinity", then ` +
        `az container exec -g ${rg} --name pg-jump --exec-command bash; delete it afterwards), or use a VM in the network reached with az network bastion ssh. ` +
        "Example: pg_dump -Fc -h $HOST -U $USER -d $DB -f db.dump; pg_restore --no-owner -h $HOST -U $USER -d $DB db.dump",
      passwordCommand: `az keyvault secret show --vault-name ${names.keyVault(stack.prefix)} --name ${names.passwordSecret(name)} --query value -o tsv`,
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
        `az role assignment create --role "Storage Blob Data Contributor" --assignee <you> --scope <container id>`,
    };
  },
};
