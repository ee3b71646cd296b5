/**
 * How to reach an AWS database and bucket for a data migration (`pg_dump` /
 * `pg_restore`, `rclone`). The database is private: the runbook reaches it
 * through an SSM port-forwarding session over a short-lived ECS task in the
 * stack's cluster, so nothing is ever opened to the internet.
 */
import { type MigrationDetails, POSTGRES_CLIENT } from "@freehold/core";
import { POSTGRES_PORT } from "./database";
import { names } from "./naming";
import { PRICES } from "./prices";
import { rdsCaBundle } from "./rds-ca";

/** Local port the SSM session forwards to the database. */
export const TUNNEL_PORT = 15432;

export const migration: MigrationDetails = {
  egress: PRICES.internetEgress,
  freeEgressGiB: 100,
  database({ name, stack, databaseName, physicalName }) {
    const region = stack.region.region;
    const describe = `aws rds describe-db-instances --region ${region} --db-instance-identifier ${physicalName || names.dbInstance(stack.prefix, name)}`;
    const cluster = names.cluster(stack.prefix);
    return {
      host: `$(${describe} --query 'DBInstances[0].Endpoint.Address' --output text)`,
      port: POSTGRES_PORT,
      database: databaseName,
      user: "freehold",
      sslmode: "verify-full",
      // The region's RDS root CAs the backend gives linked services; a region not vendored here gets AWS's own download (the same bundle, by region).
      serverCa: rdsCaBundle(region) ? { pem: rdsCaBundle(region) as string } : { command: `curl -fsS https://truststore.pki.rds.amazonaws.com/${region}/${region}-bundle.pem` },
      access: [
        `The database "${name}" is private (no public endpoint). Reach it through AWS Systems Manager:`,
        `1. Start a jump task in ECS cluster ${cluster} (private subnets, the security group of a service linked to "${name}", ECS Exec enabled), from ${POSTGRES_CLIENT.image} (psql and pg_dump ${POSTGRES_CLIENT.major}, at least the server's version): aws ecs run-task --region ${region} --cluster ${cluster} --launch-type FARGATE --enable-execute-command --task-definition <a task definition with command "sleep 7200" and a task role allowing ssmmessages:*Channel> --network-configuration 'awsvpcConfiguration={subnets=[<private subnet ids>],securityGroups=[<service security group id>]}'.`,
        `2. Forward a local port: aws ssm start-session --region ${region} --target ecs:${cluster}_<task id>_<container runtime id> --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters host=<host>,portNumber=${POSTGRES_PORT},localPortNumber=${TUNNEL_PORT}.`,
        `3. Run pg_dump/pg_restore through the tunnel with host=<the instance's endpoint address> hostaddr=127.0.0.1 port=${TUNNEL_PORT} sslmode=verify-full sslrootcert=<the CA file below>: libpq connects to hostaddr and checks the certificate against host (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-PARAMKEYWORDS). Stop the jump task afterwards.`,
      ].join("\n"),
      passwordCommand: `aws secretsmanager get-secret-value --region ${region} --secret-id "$(${describe} --query 'DBInstances[0].MasterUserSecret.SecretArn' --output text)" --query SecretString --output text | jq -r .password`,
    };
  },
  objectStore({ stack, bucketName }) {
    return {
      rcloneType: "s3",
      rcloneOptions: { provider: "AWS", env_auth: "true", region: stack.region.region, server_side_encryption: "AES256" },
      path: bucketName,
      access: "AWS credentials from the environment (AWS_PROFILE, SSO or instance role) with s3:ListBucket on the bucket and s3:GetObject (source) or s3:PutObject (target) on its objects; the bucket policy refuses anything but TLS 1.2+",
    };
  },
};
