/**
 * Application Auto Scaling for an ECS service: a scalable target between the
 * spec's bounds and target tracking on the service's average CPU
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-autoscaling-targettracking.html).
 * Web services and workers scale the same way.
 */
import * as appautoscaling from "@pulumi/aws/appautoscaling";
import type * as ecs from "@pulumi/aws/ecs";
import * as pulumi from "@pulumi/pulumi";
import type { VendorArgs } from "./vendor";

/** Average CPU the service is kept at. */
export const CPU_TARGET_PERCENT = 60;

export function cpuScaling(
  name: string,
  vendor: VendorArgs,
  args: { cluster: ecs.Cluster; service: ecs.Service; min: number; max: number; region: string; tags: Record<string, string> },
  opts: pulumi.CustomResourceOptions,
): { scalingTarget: appautoscaling.Target; scalingPolicy: appautoscaling.Policy } {
  const target = new appautoscaling.Target(
    `${name}-scaling`,
    vendor.apply("scalingTarget", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: pulumi.interpolate`service/${args.cluster.name}/${args.service.name}`,
      minCapacity: args.min,
      maxCapacity: args.max,
      region: args.region,
      tags: args.tags,
    }),
    opts,
  );
  const policy = new appautoscaling.Policy(
    `${name}-scaling-cpu`,
    vendor.apply("scalingPolicy", {
      policyType: "TargetTrackingScaling",
      serviceNamespace: target.serviceNamespace,
      scalableDimension: target.scalableDimension,
      resourceId: target.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        targetValue: CPU_TARGET_PERCENT,
        scaleInCooldown: 300,
        scaleOutCooldown: 60,
      },
      region: args.region,
    }),
    opts,
  );
  return { scalingTarget: target, scalingPolicy: policy };
}
