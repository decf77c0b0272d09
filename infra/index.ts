/**
 * The package entry point (`import { SlackNotifier } from 'sfn-slack-notifier'`): the construct, its props and
 * the per-environment stack, for CDK apps that add the notifier to their own stacks.
 */
export {
  DEFAULT_NOTIFIED_STATUSES,
  type SlackDestination,
  SlackNotifier,
  type SlackNotifierProps,
} from './constructs/slack-notifier.js';
