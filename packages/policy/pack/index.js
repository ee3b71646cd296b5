// A Pulumi policy pack: `pulumi preview --policy-pack <this directory>` (after `npm install` here).
// Set the region each cloud's resources must be in, and a residency rule, to turn the region and residency rules on.
const { PolicyPack } = require("@pulumi/policy");
const { freeholdPolicies } = require("@freehold/policy");

new PolicyPack("freehold", {
  policies: freeholdPolicies({
    // regions: { aws: "eu-west-2", azure: "uksouth", gcp: "europe-west2" },
    // residency: "uk",
  }),
});
