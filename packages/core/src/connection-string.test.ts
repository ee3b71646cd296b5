import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { connectionUrl, Database } from "./components";
import { registerBackend } from "./loader";
import { runWithMocks } from "./plan";
import { fakeBackend } from "./fake-backend";

describe("a database's connection string", () => {
  it("percent-encodes the user, the password and the database name, so any password parses", () => {
    const uri = connectionUrl("app user", "p#ss%w?rd:/@x", "db.example", 5432, "shop");
    expect(uri).toBe("postgres://app%20user:p%23ss%25w%3Frd%3A%2F%40x@db.example:5432/shop?sslmode=require");
    const parsed = new URL(uri);
    expect([decodeURIComponent(parsed.username), decodeURIComponent(parsed.password), parsed.hostname, parsed.port, parsed.pathname]).toEqual(["app user", "p#ss%w?rd:/@x", "db.example", "5432", "/shop"]);
  });

  it("is built that way by the Database component, and stays a secret", async () => {
    const fake = fakeBackend("aws");
    registerBackend({ ...fake, database: (req) => ({ ...fake.database(req), host: pulumi.output("db.internal"), username: pulumi.output("app"), password: pulumi.secret("a#b%c?d:e") }) });
    let value = "";
    const run = await runWithMocks("aws", () => {
      const db = new Database("db");
      db.connectionString.apply((cs) => {
        value = cs;
      });
      return { cs: db.connectionString };
    });
    expect(run.outputs.cs).toBe("[secret]");
    expect(value).toBe("postgres://app:a%23b%25c%3Fd%3Ae@db.internal:5432/app?sslmode=require");
    registerBackend(fake);
  });
});
