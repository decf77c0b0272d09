/**
 * sts:AssumeRole on a central environment's source roles (the read roles of the notifier and the formatter, the act
 * roles of the actions machine and the act-in-region function), one rule for all of them.
 *
 * Listed accounts get their roles' own ARNs. With an organization the member accounts are not known at synth, so
 * the role ARNs name any account and `aws:ResourceOrgID` = the organization holds them to roles of its accounts
 * (AWS's data perimeter guidance lists AssumeRole among the STS APIs an identity policy's resource perimeter applies
 * to). Listed accounts keep their own statement without the condition: they need not be members.
 */
import type { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

export interface SourceAccounts {
  readonly accounts: readonly string[];
  readonly organizationId?: string;
}

/** The role ARN in `account` (`*`: any) of each region's role name. */
export function sourceRoleArns(
  stack: Stack,
  account: string,
  regions: readonly string[],
  roleName: (region: string) => string
): string[] {
  return regions.map((region) =>
    stack.formatArn({ service: 'iam', region: '', account, resource: 'role', resourceName: roleName(region) })
  );
}

/** The statements; the first one names `*` accounts exactly when there is an organization. */
export function assumeSourceRoles(
  stack: Stack,
  sources: SourceAccounts,
  regions: readonly string[],
  roleName: (region: string) => string
): iam.PolicyStatement[] {
  const listed = sources.accounts.flatMap((account) => sourceRoleArns(stack, account, regions, roleName));
  if (sources.organizationId === undefined) {
    return [new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: listed })];
  }
  return [
    new iam.PolicyStatement({
      actions: ['sts:AssumeRole'],
      resources: sourceRoleArns(stack, '*', regions, roleName),
      conditions: { StringEquals: { 'aws:ResourceOrgID': sources.organizationId } },
    }),
    ...(listed.length > 0
      ? [new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: listed })]
      : []),
  ];
}
