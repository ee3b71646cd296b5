/**
 * The drill's servers, one set per cloud flavour, started on first use and
 * shared by every pair a run drills: a PostgreSQL cluster set up the way the
 * cloud sets up its managed server (its administrator, TLS required, the
 * plan's parameters a local server takes) and the cloud's object store
 * stand-in. PostgreSQL roles are cluster-wide, so pairs never share a
 * database: each pair gets fresh ones, made as the cloud's API makes them.
 */
import { randomBytes } from "node:crypto";
import { scramVerifier } from "@freehold/core";
import type { Cloud } from "@freehold/model";
import type { HostedPlan } from "../../plan/contract";
import type { RcloneRemote } from "../rclone";
import { type AzuriteServer, type PostgresServer, type RunningServer, type S3Server, startAzurite, startPostgres, startS3rver } from "../servers";
import { type CloudStandIn, createDatabaseSql, operatorSql, type ServerParameters, STAND_INS, serverParameters } from "./clouds";
import { type GcsServer, startGcsServer } from "./gcs-server";
import type { DrillTls } from "./tls";

/** A password as Freehold's generators make them: printable ASCII without spaces (scramVerifier's rule). */
export function drillPassword(): string {
  return randomBytes(24).toString("base64url");
}

export interface Flavour {
  cloud: Cloud;
  standIn: CloudStandIn;
  pg: PostgresServer;
  admin: { user: string; password: string };
  /** The application roles' passwords on this cluster (set by the role job, from their verifiers). */
  rolePasswords: { readWrite: string; read: string };
  parameters: ServerParameters;
}

/** An object store stand-in and how an application (or rclone) reaches a bucket in it with its identity's credentials. */
export interface StoreFlavour {
  cloud: Cloud;
  server: RunningServer;
  /** OBJECT_STORE_ENDPOINT as the contract gives it for this store. */
  endpoint: string;
  remote(bucket: string): RcloneRemote;
}

/** Starts each flavour once; `stop` stops every server that started. */
export class DrillServers {
  private readonly pgs = new Map<Cloud, Promise<Flavour>>();
  private readonly stores = new Map<Cloud, Promise<StoreFlavour>>();
  private readonly started: RunningServer[] = [];

  constructor(
    private readonly tls: DrillTls,
    private readonly log: (l: string) => void = () => {},
  ) {}

  /** The cluster for a cloud, set up from that cloud's plan the first time it is asked for. */
  postgres(cloud: Cloud, plan: HostedPlan): Promise<Flavour> {
    let f = this.pgs.get(cloud);
    if (!f) {
      f = this.startPostgres(cloud, plan);
      this.pgs.set(cloud, f);
    }
    return f.then((x) => {
      const admin = plan.migration.databases[0]?.user;
      if (admin && admin !== x.admin.user) throw new Error(`the ${cloud} plans name two administrators (${x.admin.user}, ${admin}); one server cannot stand in for both`);
      return x;
    });
  }

  store(cloud: Cloud): Promise<StoreFlavour> {
    let s = this.stores.get(cloud);
    if (!s) {
      s = this.startStore(cloud);
      this.stores.set(cloud, s);
    }
    return s;
  }

  private async startPostgres(cloud: Cloud, plan: HostedPlan): Promise<Flavour> {
    const admin = plan.migration.databases[0]?.user;
    if (!admin) throw new Error(`the ${cloud} plan has no database`);
    const standIn = STAND_INS[cloud];
    const parameters = serverParameters(plan);
    const pg = await startPostgres({
      name: `drill-${cloud}`,
      superuserPassword: drillPassword(),
      tls: { cert: this.tls.cert, key: this.tls.key },
      tlsOnly: parameters.tlsOnly,
      settings: parameters.settings,
      log: this.log,
    });
    this.started.push(pg);
    const password = drillPassword();
    await pg.superuserSql(operatorSql(standIn, admin, scramVerifier(password)));
    return { cloud, standIn, pg, admin: { user: admin, password }, rolePasswords: { readWrite: drillPassword(), read: drillPassword() }, parameters };
  }

  private async startStore(cloud: Cloud): Promise<StoreFlavour> {
    if (cloud === "aws") {
      const s: S3Server = await startS3rver({ log: this.log });
      this.started.push(s);
      return { cloud, server: s, endpoint: s.endpoint, remote: (b) => s.remote(b) };
    }
    if (cloud === "azure") {
      const s: AzuriteServer = await startAzurite({ log: this.log });
      this.started.push(s);
      return { cloud, server: s, endpoint: s.endpoint, remote: (b) => s.remote(b) };
    }
    const s: GcsServer = await startGcsServer({ log: this.log });
    this.started.push(s);
    return { cloud, server: s, endpoint: s.endpoint, remote: (b) => s.remote(b) };
  }

  /** A fresh database on a flavour's cluster, owned as the cloud's API would make it. */
  async createDatabase(f: Flavour, database: string): Promise<void> {
    await f.pg.superuserSql(createDatabaseSql(f.standIn, f.admin.user, database));
  }

  async stop(): Promise<void> {
    const all = [...this.started];
    this.started.length = 0;
    await Promise.allSettled(all.map((s) => s.stop()));
  }
}
