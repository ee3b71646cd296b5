/** The ejected program as a model: what eject builds from a plan and renders as files (program.ts builds it). */
import type { MockValues, PlannedResource } from "@freehold/core";
import type { HostedPlan } from "../plan/contract";
import type { Expr } from "./expr";
import type { DeployedState } from "./state";

export interface EjectInput {
  plan: HostedPlan;
  values: MockValues;
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
  /** The default in Pulumi.yaml; absent for a secret (set with `pulumi config set --secret`). */
  default?: string;
  secret: boolean;
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
   * value. `partial`: other parts were traced (the value reads other outputs);
   * otherwise it is written as planned, or as deployed when a state file gave it.
   */
  unresolved: Array<{ input: string; from: string[]; partial: boolean; deployed: boolean }>;
  reads: Set<string>;
}

export interface ProgramCall {
  /** The source id references use: `call:<index>`. */
  id: string;
  variable: string;
  /** Function as written, e.g. `authorization.getClientConfigOutput`. */
  fn: string;
  args: Expr;
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
  imports: Array<{ module: string; binding: string; named: boolean }>;
  config: ConfigValue[];
  componentUrns: ComponentUrn[];
  /** Resources and invokes in an order where each comes after what it reads. */
  body: Array<{ kind: "resource"; value: ProgramResource } | { kind: "call"; value: ProgramCall }>;
  /** Stack outputs, by name. */
  outputs: Array<[string, Expr]>;
  /** Stack outputs Freehold exported that the program cannot reproduce, with why. */
  droppedOutputs: string[];
  /** Things the reader must know: unresolved inputs, config secrets to set. */
  notes: string[];
  /** The SDK packages the program imports, with versions. */
  packages: Map<string, string>;
}
