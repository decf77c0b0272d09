/**
 * The ARNs of the watched state machines' resources, for IAM: one per listed state machine ARN (in its own
 * partition, region and account) and one wildcard per name prefix (in the stack's).
 */
import { ArnFormat, type Stack } from 'aws-cdk-lib';

/** The resource kinds an IAM statement names for a watched state machine, and how each extends its name. */
const NAME_SUFFIX = {
  /** arn:…:execution:<state machine name>:<execution name> */
  execution: ':*',
  /** arn:…:mapRun:<state machine name>/<label>:<uuid> */
  mapRun: '/*',
  /** arn:…:stateMachine:<name> */
  stateMachine: '',
} as const;

export function watchedResources(
  stack: Stack,
  arns: readonly string[],
  prefixes: readonly string[],
  resource: keyof typeof NAME_SUFFIX
): string[] {
  return [
    ...arns.map((arn) => {
      const parts = stack.splitArn(arn, ArnFormat.COLON_RESOURCE_NAME);
      return stack.formatArn({
        partition: parts.partition,
        region: parts.region,
        account: parts.account,
        service: 'states',
        resource,
        resourceName: `${parts.resourceName}${NAME_SUFFIX[resource]}`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    }),
    ...prefixes.map((prefix) =>
      stack.formatArn({
        service: 'states',
        resource,
        resourceName: `${prefix}*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })
    ),
  ];
}
