import * as pulumi from "@pulumi/pulumi";
import { type Cloud, type Component, type FeatureId, UnsupportedFeatureError } from "@freehold/model";

/**
 * What a backend calls when its cloud cannot provide a feature the spec uses:
 * refuses with an UnsupportedFeatureError, unless the component accepts the
 * degradation (`acceptDegraded`), in which case the plan names it as a warning.
 */
export function degrade(component: { name: string; spec: Component }, cloud: Cloud, feature: FeatureId, reason: string, fix: string): void {
  if ((component.spec.acceptDegraded as readonly string[]).includes(feature)) {
    pulumi.log.warn(`${component.name}: ${cloud} cannot provide ${feature} (${reason}); degradation accepted by acceptDegraded`);
    return;
  }
  throw new UnsupportedFeatureError(component.name, feature, cloud, reason, `${fix}, or accept it with acceptDegraded: [${feature}]`);
}
