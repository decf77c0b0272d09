/**
 * The EventBridge rule that starts the notifier: Step Functions status changes of the watched machines (the union
 * of the routes, contract/routes.ts derivePattern; the notifier's routing narrows it), never the notifier's own
 * executions (it would notify about itself forever). Events it cannot hand over go to its dead-letter queue.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { derivePattern, type Route } from '../../contract/routes.js';

export function statusChangeRule(
  scope: Construct,
  options: {
    readonly environmentName: string;
    readonly routes: readonly Route[];
    /** The statuses the rule matches: the routes', and RUNNING when a runningLongerThan check is scheduled. */
    readonly statuses: readonly string[];
    readonly notifier: sfn.StateMachine;
    readonly deadLetterQueue: sqs.IQueue;
    /** A central environment's bus (name prefixes then match in every source account and region). @default - the default bus */
    readonly eventBus?: events.IEventBus;
  }
): events.Rule {
  const stack = Stack.of(scope);
  const notifierExecutionPrefix = stack.formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${options.notifier.stateMachineName}:`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const rule = new events.Rule(scope, 'StatusChangeRule', {
    description: `sfn-slack-notifier (${options.environmentName}): watched Step Functions executions changed status`,
    ...(options.eventBus ? { eventBus: options.eventBus } : {}),
    eventPattern: {
      source: ['aws.states'],
      detailType: ['Step Functions Execution Status Change'],
      // Single account: only this account's events, so an event naming another account's execution is never read
      // (a central bus takes every source account's; there the notifier's SourceRegion gate refuses a mismatch).
      ...(options.eventBus ? {} : { account: [stack.account] }),
      resources: events.Match.anythingButPrefix(notifierExecutionPrefix),
      detail: {
        ...derivePattern(options.routes, {
          partition: stack.partition,
          account: stack.account,
          region: stack.region,
          anyAccountAndRegion: options.eventBus !== undefined,
        }),
        status: [...options.statuses],
      } as Record<string, unknown>,
    },
  });
  rule.addTarget(
    new eventsTargets.SfnStateMachine(options.notifier, { deadLetterQueue: options.deadLetterQueue })
  );
  return rule;
}
