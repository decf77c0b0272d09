/**
 * CentralBus: the event bus a central environment's notifier listens on. Source accounts forward their Step
 * Functions status changes to it (infra/stacks/source-stack.ts); its resource policy lets only those sources put
 * events, and only status changes.
 */
import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { centralBusName } from '../../contract/sources.js';

/** What a forwarded event must be, whoever sends it: the only kind the notifier reads. */
export const FORWARDED_EVENT = {
  source: 'aws.states',
  detailType: 'Step Functions Execution Status Change',
} as const;

export interface CentralBusProps {
  /** The environment name; the bus is `sfn-slack-notifier-<env>`. */
  readonly environmentName: string;
  /**
   * Accounts that may put events.
   * @default [] (then `organizationId` must be set)
   */
  readonly accounts?: readonly string[];
  /**
   * Every account of this organization may put events (`aws:PrincipalOrgID`).
   * @default - only `accounts`
   */
  readonly organizationId?: string;
}

export class CentralBus extends Construct {
  public readonly eventBus: events.EventBus;

  constructor(scope: Construct, id: string, props: CentralBusProps) {
    super(scope, id);
    const accounts = props.accounts ?? [];
    if (accounts.length === 0 && props.organizationId === undefined) {
      throw new Error('CentralBus: set accounts and/or organizationId, or no source can forward events');
    }
    this.eventBus = new events.EventBus(this, 'Resource', {
      eventBusName: centralBusName(props.environmentName),
      description: `sfn-slack-notifier (${props.environmentName}): Step Functions status changes forwarded from the source accounts`,
    });
    // Status changes only: a source cannot use the bus to start the notifier with anything else.
    const onlyStatusChanges = {
      'events:source': FORWARDED_EVENT.source,
      'events:detail-type': FORWARDED_EVENT.detailType,
    };
    // The policy is the bus's own Policy property (AWS::Events::EventBus), not EventBus.addToResourcePolicy: that
    // creates AWS::Events::EventBusPolicy resources, whose CDK class reads its deprecated `principal` property on
    // every synth and prints a deprecation warning. The resource is the bus's ARN formatted from its (literal) name:
    // a reference to the bus itself inside its own properties would be a cycle.
    const busArn = Stack.of(this).formatArn({
      service: 'events',
      resource: 'event-bus',
      resourceName: centralBusName(props.environmentName),
    });
    const statements: iam.PolicyStatement[] = [];
    if (accounts.length > 0) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'SourceAccountsPutStatusChanges',
          principals: accounts.map((account) => new iam.AccountPrincipal(account)),
          actions: ['events:PutEvents'],
          resources: [busArn],
          conditions: { StringEquals: onlyStatusChanges },
        })
      );
    }
    if (props.organizationId !== undefined) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'SourceOrganizationPutsStatusChanges',
          principals: [new iam.AnyPrincipal()],
          actions: ['events:PutEvents'],
          resources: [busArn],
          conditions: {
            StringEquals: { 'aws:PrincipalOrgID': props.organizationId, ...onlyStatusChanges },
          },
        })
      );
    }
    (this.eventBus.node.defaultChild as events.CfnEventBus).policy = new iam.PolicyDocument({ statements });
  }
}
