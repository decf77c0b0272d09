/**
 * The one convention every `sfn-slack` command follows, the AWS CLI's:
 *
 * - `-e, --env <name>` (default `SFN_SLACK_ENV`) on every command that has an environment;
 * - `--region` and `--profile` on every command that calls AWS (resolved in cli/aws/context.ts);
 * - `--output json|text` on every command that prints;
 * - examples at the end of `--help`;
 * - errors as one line, `sfn-slack: <what is wrong>: <how to fix it>`, with the exit codes of cli/errors.ts.
 *
 * A command declares what it has with `applyConvention`, which adds the shared options exactly as defined here.
 * test/cli/convention.test.ts walks every registered command and fails for one that has not.
 */
import { type Command, Option } from 'commander';

export type OutputFormat = 'json' | 'text';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['json', 'text'];

export interface CommandConvention {
  /**
   * What `--env` means: `stack` names a deployed stack (`SfnSlackNotifier-<name>`) and is required; `display` is
   * only the environment name shown in the message.
   */
  readonly env: 'stack' | 'display';
  /**
   * `always`: every run calls AWS; `with-arn`: only with `--execution-arn`; `with-target`: only with `--stack` or
   * `--notifier-name` (the settings are then read from the deployed notifier, not cdk.json); `never`: no
   * `--region`/`--profile`.
   */
  readonly aws: 'always' | 'with-arn' | 'with-target' | 'never';
  /**
   * Where the region comes from before the AWS defaults, in order: `arn` the ARN the command works on,
   * `environment` the `region` of the `--env` environment in cdk.json (cli/aws/context.ts applies the same order).
   * @default []
   */
  readonly regionFrom?: readonly ('arn' | 'environment')[];
  /** What `--output` prints when not given. */
  readonly output: OutputFormat;
  /** What each format prints, for the help. */
  readonly outputHelp: string;
  /** Full command lines, shown under "Examples:" in `--help`. At least two. */
  readonly examples: readonly string[];
}

const conventions = new WeakMap<Command, CommandConvention>();

/** The convention a command declared, or undefined for one that did not (the convention test fails then). */
export function conventionOf(command: Command): CommandConvention | undefined {
  return conventions.get(command);
}

/** The options the convention adds, as plain data (the convention test compares every command against it). */
export const SHARED_OPTIONS = {
  env: { flags: '-e, --env <name>', envVar: 'SFN_SLACK_ENV' },
  stack: { flags: '--stack <name>' },
  notifierName: { flags: '--notifier-name <name>' },
  region: { flags: '--region <region>' },
  profile: { flags: '--profile <name>' },
  output: { flags: '--output <format>' },
} as const;

const ENV_HELP: Record<CommandConvention['env'], string> = {
  stack:
    'environment: the stack SfnSlackNotifier-<name> (cdk deploy -c env=<name>); a SlackNotifier in a stack of your own: --notifier-name or --stack',
  display: 'environment name shown in the message',
};

const REGION_FROM_HELP = {
  arn: 'the ARN’s region',
  environment: 'the environment’s region in cdk.json',
} as const;

/** When a command calls AWS at all, as the region and profile options' help says it. */
function awsWhen(convention: Pick<CommandConvention, 'aws'>): string {
  if (convention.aws === 'with-arn') return ' for --execution-arn';
  if (convention.aws === 'with-target') return ' for --stack/--notifier-name';
  return '';
}

/** The region option's help: exactly the order cli/aws/context.ts resolves it in. */
export function regionHelp(convention: Pick<CommandConvention, 'aws' | 'regionFrom'>): string {
  const first = (convention.regionFrom ?? []).map((source) => REGION_FROM_HELP[source]);
  return `AWS region${awsWhen(convention)} (default: ${[...first, 'AWS_REGION', 'AWS_DEFAULT_REGION', 'the profile’s region'].join(', then ')})`;
}

/**
 * Adds the shared options (after the command's own, so `--help` lists those first) and the examples, and
 * records the convention. Returns the command for chaining `.action()`.
 */
export function applyConvention(command: Command, convention: CommandConvention): Command {
  command.addOption(
    new Option(SHARED_OPTIONS.env.flags, ENV_HELP[convention.env]).env(SHARED_OPTIONS.env.envVar)
  );
  if (convention.env === 'stack') {
    command
      .addOption(
        new Option(
          SHARED_OPTIONS.notifierName.flags,
          'a SlackNotifier by its environmentName, in any stack: reads its descriptor parameter /sfn-slack-notifier/<name>/descriptor'
        ).conflicts(['stack'])
      )
      .addOption(
        new Option(
          SHARED_OPTIONS.stack.flags,
          'the CloudFormation stack that holds the notifier (its outputs, or the descriptor of its one SlackNotifier)'
        )
      );
  }
  if (convention.aws !== 'never') {
    command
      .addOption(new Option(SHARED_OPTIONS.region.flags, regionHelp(convention)))
      .addOption(
        new Option(
          SHARED_OPTIONS.profile.flags,
          `AWS profile${awsWhen(convention)} of ~/.aws/config (default: AWS_PROFILE, then the SDK’s default credentials)`
        )
      );
  }
  command.addOption(
    new Option(SHARED_OPTIONS.output.flags, `output format: ${convention.outputHelp}`)
      .choices(OUTPUT_FORMATS)
      .default(convention.output)
  );
  command.addHelpText('after', `\nExamples:\n${convention.examples.map((line) => `  ${line}`).join('\n')}`);
  conventions.set(command, convention);
  return command;
}
