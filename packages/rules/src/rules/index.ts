import type { Cloud } from "@freehold/model";
import type { CloudRules } from "../types";
import { AWS_RULES } from "./aws";
import { AZURE_RULES } from "./azure";
import { GCP_RULES } from "./gcp";

/** Every cloud's rule book. */
export const RULES: Record<Cloud, CloudRules> = { aws: AWS_RULES, azure: AZURE_RULES, gcp: GCP_RULES };
