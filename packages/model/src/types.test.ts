import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import type * as S from "./schema";
import type { Database, DatabaseInput, ObjectStore, ObjectStoreInput, Stack, StackInput, WebService, WebServiceInput } from "./types";

describe("the generated types (types.ts)", () => {
  it("are exactly what the zod schemas accept and give (checked by tsc in npm run lint)", () => {
    expectTypeOf<WebServiceInput>().toEqualTypeOf<z.input<typeof S.WebServiceSpec>>();
    expectTypeOf<WebService>().toEqualTypeOf<z.output<typeof S.WebServiceSpec>>();
    expectTypeOf<DatabaseInput>().toEqualTypeOf<z.input<typeof S.DatabaseSpec>>();
    expectTypeOf<Database>().toEqualTypeOf<z.output<typeof S.DatabaseSpec>>();
    expectTypeOf<ObjectStoreInput>().toEqualTypeOf<z.input<typeof S.ObjectStoreSpec>>();
    expectTypeOf<ObjectStore>().toEqualTypeOf<z.output<typeof S.ObjectStoreSpec>>();
    expectTypeOf<StackInput>().toEqualTypeOf<S.ZStackInput>();
    expectTypeOf<Stack>().toEqualTypeOf<S.ZStack>();
  });

  it("are current: regenerating them changes nothing (npm run docs writes them)", () => {
    expect(() => execFileSync(process.execPath, [join(__dirname, "..", "..", "..", "scripts", "gen-model-types.cjs"), "--check"], { stdio: "pipe" })).not.toThrow();
  });
});
