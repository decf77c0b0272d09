/**
 * Watched state machines encrypted with a customer managed KMS key: Step Functions decrypts their definition and
 * history, and a stop's or redrive's data, with the caller's permissions, so every role that reads or acts on them
 * needs `kms:Decrypt` on the key, else the call fails `KmsAccessDeniedException` (every message degrades to
 * event-only, Stop fails). The grant holds only through Step Functions: `kms:ViaService` =
 * `states.<region>.amazonaws.com`, the key's own region (a state machine's key is in its region). Source:
 * "Data at rest encryption in Step Functions" (../shared/reference/aws-facts.md §10.5).
 *
 * The key's policy must let the account's IAM policies grant it (the default key policy does); a key policy that
 * names principals itself must name these roles.
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { KMS_KEY_ARN } from '../contract/settings.js';

/** The key ARN's region, or undefined when it is not a key ARN. */
function keyRegion(arn: string): string | undefined {
  return KMS_KEY_ARN.exec(arn)?.[1];
}

/**
 * One statement per key region: kms:Decrypt on those keys through Step Functions of that region. Empty without keys.
 * @param sameRegionOnly keys of the stack's region only, with `states.${AWS::Region}` (the source stack: one
 *   template for every region, its roles read only their own region)
 */
export function watchedKeyStatements(
  keyArns: readonly string[],
  sameRegionOnly = false
): iam.PolicyStatement[] {
  const byRegion = new Map<string, string[]>();
  for (const arn of keyArns) {
    const region = keyRegion(arn);
    if (region === undefined) {
      throw new Error(
        `kmsKeyArns: ${JSON.stringify(arn)} is not a KMS key ARN; use arn:<partition>:kms:<region>:<account>:key/<key id> (not an alias)`
      );
    }
    byRegion.set(region, [...(byRegion.get(region) ?? []), arn]);
  }
  if (sameRegionOnly) {
    // The template does not know its region: every key, held to this region's Step Functions by the condition.
    return keyArns.length === 0 ? [] : [decrypt([...keyArns], `states.${Aws.REGION}.${Aws.URL_SUFFIX}`)];
  }
  return [...byRegion].map(([region, arns]) => decrypt(arns, `states.${region}.${Aws.URL_SUFFIX}`));
}

function decrypt(keys: string[], viaService: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['kms:Decrypt'],
    resources: keys,
    conditions: { StringEquals: { 'kms:ViaService': viaService } },
  });
}
