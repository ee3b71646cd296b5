/** The ejected program as a model: what eject builds from a plan and renders as files (program.ts builds it). */
import type { MockValues, PlannedResource } from "@freehold/core";
import type { HostedPlan } from "../plan/contract";
import type { Expr, Step } from "./expr";
import type { DeployedState } from "./state";

export interface EjectInput {
  plan: HostedPlan;
  values: MockValues;
  /** The values behind the same plan made with every mock value varied (`runWithMocks({ vary: true })`): what differs was made from the mocks. */
  varied: MockValues;
  /** The deployed stack (`pulumi stack export`), when given: checked against, and the source of values eject cannot trace. */
  deployed?: DeployedState;
  /** The config the plan was made with (`namespace:key` -> value): secrets the program read are found here by value. */
  config: Record<string, string>;
}

/** A stack eject cannot turn into a program that keeps every resource; lists every reason. */
export class EjectError extends Error {
  override readonly name = "EjectError";
  constructor(readonly problems: string[]) {
    super(`freehold eject: the stack cannot be ejected as it is:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

export interface ConfigValue {
  /** Key in this project's namespace, or `namespace:key`. */
  key: string;
  variable: string;
  description: string;
  /** The default in Pulumi.yaml; absent for a secret (set with `pulumi config set --secret`) and for a value the user must set. */
  default?: string;
  secret: boolean;
  /** How the program reads it. @default "string" */
  type?: "string" | "number" | "boolean";
  /** For a value eject could not trace: where the user finds the value to set. */
  where?: string;
  /** For a value eject could not trace: the resource input (and the place in it) it stands for. */
  at?: { resource: string; type: string; input: string; path: Step[] };
}

export interface Group {
  /** URN of the Freehold component (or Platform) the group's resources were children of; "" for resources outside any. */
  urn: string;
  title: string;
  lines: string[];
}

export interface ProgramResource {
  plan: PlannedResource;
  variable: string;
  /** Constructor as written, e.g. `s3.Bucket`. */
  constructor: string;
  inputs: Array<[string, Expr]>;
  /** Options as written: `name: value` pairs. */
  options: Array<[string, string]>;
  group: Group;
  /**
   * Inputs made from dependencies (by name) eject found no output of in the
   * value. `partial`: the value is right (it reads what it was made from, or is
   * the program's own), only the dependency is lost; otherwise part of the value
   * could not be traced and is config the user sets (`keys`), or the deployed
   * value when a state file gave it (`deployed`).
   */
  unresolved: Array<{ input: string; from: string[]; partial: boolean; deployed: boolean; keys: string[] }>;
  reads: Set<string>;
  /**
   * Its inputs another resource keeps a hash of (a random id's keepers): written in a `const` of their own
   * (`type`, the class's arguments type, where the module exports one), which the resource spreads.
   */
  settings?: { variable: string; keys: string[]; type?: string };
  /** The resources whose settings this one hashes: their `const`s are written just before it. */
  hashes?: ProgramResource[];
}

export interface ProgramCall {
  /** The source id references use: `call:<index>`. */
  id: string;
  variable: string;
  /** Function as written, e.g. `authorization.getClientConfigOutput`. */
  fn: string;
  args: Expr;
  /** The variable of the explicit provider the invoke went to, if any. */
  provider?: string;
  /** The function takes arguments before its options (some invokes take only options). */
  takesArguments: boolean;
  reads: Set<string>;
}

export interface ComponentUrn {
  variable: string;
  qualifiedType: string;
  name: string;
}

/** Entries of an input most resources carry alike (their tags), held once in a variable. */
export interface Shared {
  variable: string;
  input: string;
  entries: Array<[string, Expr]>;
  /** How many resources carry them. */
  count: number;
}

export interface Program {
  /** Pulumi project and stack the plan was made for. */
  project: string;
  stack: string;
  shared: Shared[];
  imports: Array<{ module: string; name: string; binding: string; named: boolean }>;
  config: ConfigValue[];
  componentUrns: ComponentUrn[];
  /** Resources and invokes in an order where each comes after what it reads. */
  body: Array<{ kind: "resource"; value: ProgramResource } | { kind: "call"; value: ProgramCall }>;
  /** Values read in several places, named once right after the resource or invoke they come from (`id` of the source). */
  named: Array<{ variable: string; source: string; expr: Expr }>;
  /** Stack outputs, by name. */
  outputs: Array<[string, Expr]>;
  /** Stack outputs Freehold exported that the program cannot reproduce, with why. */
  droppedOutputs: string[];
  /** Things the reader must know: unresolved inputs, config secrets to set. */
  notes: string[];
  /** The SDK packages the program imports, with versions. */
  packages: Map<string, string>;
}
