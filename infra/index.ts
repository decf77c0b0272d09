/**
 * The package entry point (`import { SlackNotifier } from 'sfn-slack-notifier'`): the construct, its props and
 * the per-environment stack, for CDK apps that add the notifier to their own stacks.
 */
/** What a mistake in SlackNotifier's props (or in cdk.json) throws: one line naming the prop and the fix. */
export { ConfigError } from '../contract/errors.js';
export {
  descriptorParameterName,
  type OperatorDescriptor as OperatorDescriptorValue,
} from '../contract/operator-descriptor.js';
export type { Route, RouteDestination, RouteMatch } from '../contract/routes.js';
export { DEFAULT_STATUSES as DEFAULT_NOTIFIED_STATUSES } from '../contract/statuses.js';
export {
  OperatorDescriptor,
  operatorOutputs,
} from './constructs/operator-descriptor.js';
export {
  type SlackDestination,
  SlackNotifier,
  type SlackNotifierProps,
} from './constructs/slack-notifier.js';
