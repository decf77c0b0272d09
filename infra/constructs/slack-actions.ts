/**
 * SlackActions: Redrive, Stop and Mute from the message's buttons, for one environment (channel mode).
 *
 * Defines:
 * - the interactivity Lambda (formatters/actions/handler.ts; arm64, Node.js 24, 256 MB, 10 s, X-Ray, JSON logs to
 *   a retained group) behind a function URL (auth NONE: Slack cannot sign AWS requests; every request is
 *   authenticated by its Slack signature instead, see docs/infra.md "Threat model");
 * - the Slack app's signing secret (Secrets Manager), created unless an existing one is named;
 * - the actions state machine (STANDARD, statemachines/actions.asl.json, log level ALL, X-Ray).
 *
 * Least privilege, each statement written out (the machine is defined in a file: nothing is granted
 * automatically):
 * - Lambda: read the signing secret; put replay-guard items (leading key `slack-request` only); start the actions
 *   machine;
 * - actions machine: RedriveExecution and StopExecution on the watched machines' executions, and TagResource of the
 *   `sfn-slack:mute-until` tag key only on the watched machines, each only when somebody may do that action; claim
 *   items (leading keys `action#…`); the four Slack methods through the connection. In a central environment the
 *   Step Functions permissions move to the source accounts' act roles (infra/constructs/source-access.ts), and the
 *   machine may only assume those (`central`). For a run of another source region (the SDK integrations call only
 *   the machine's own region), the machine invokes the act-in-region function (lambda:InvokeFunction on it only),
 *   whose role, named `sfn-slack-<env>-act-in-region`, may only assume the same act roles; the interactivity
 *   function never may.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  ACTION_PARTITION_PREFIX,
  type ActionsPolicy,
  CLAIM_RETENTION_SECONDS,
  enabledActions,
  INTERACTIVITY_BUNDLES_AWS_SDK,
  INTERACTIVITY_ENV,
  REQUEST_PARTITION,
  SLACK_ACTION_METHODS,
} from '../../contract/actions.js';
import { jsonStringSubstitution } from '../../contract/definition-values.js';
import { TAG_KEYS } from '../../contract/routes.js';
import { withSourceCredentials } from '../../contract/source-credentials.js';
import {
  ACT_IN_REGION_PLACEHOLDER,
  actInRegionRoleName,
  actionRoleName,
  actionsRoleName,
  CENTRAL_ENVIRONMENT_ENV,
} from '../../contract/sources.js';
import { assumeSourceRoles } from '../assume-source-roles.js';
import { connectionStatements, invokeHttpStatements } from '../http-task-permissions.js';
import { nagResourceName } from '../nag-resource-name.js';
import { watchedKeyStatements } from '../watched-keys.js';
import { type FunctionFiles, projectFunction, REPO_ROOT } from './project-function.js';

/** The interactivity Lambda: its source in a checkout, its prebuilt bundle in the installed package. */
export const INTERACTIVITY_FILES: FunctionFiles = {
  source: path.join(REPO_ROOT, 'formatters', 'actions', 'handler.ts'),
  bundle: path.join(REPO_ROOT, 'actions-bundle'),
  bundleAwsSdk: INTERACTIVITY_BUNDLES_AWS_SDK,
};

/** The act-in-region Lambda of a central environment: its source in a checkout, its prebuilt bundle in the package. */
export const ACT_IN_REGION_FILES: FunctionFiles = {
  source: path.join(REPO_ROOT, 'formatters', 'act-in-region', 'handler.ts'),
  bundle: path.join(REPO_ROOT, 'act-in-region-bundle'),
};

/** The actions machine's definition (data only; `${Placeholders}` are filled here). */
export const ACTIONS_STATE_MACHINE_FILE = path.join(REPO_ROOT, 'statemachines', 'actions.asl.json');

export interface SlackActionsProps {
  readonly environmentName: string;
  /** Who may do each action. */
  readonly policy: ActionsPolicy;
  /** Watched state machines: full ARNs, and ARN prefixes ending in `*` (name prefixes). */
  readonly watchedStateMachines: readonly string[];
  /** The watched machines' executions (`…:execution:<name>:*`): all the machine may redrive or stop. */
  readonly watchedExecutions: readonly string[];
  /** The message store's table (replay guard, claims). */
  readonly table: dynamodb.ITable;
  /** The connection holding the bot token. */
  readonly connection: events.Connection;
  /**
   * The Slack app's signing secret.
   * @default - a new secret with a random placeholder value (`sfn-slack setup --signing-secret` writes it)
   */
  readonly signingSecret?: secretsmanager.ISecret;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Keep execution data (the click, the clicked message, a failure's cause) in the actions machine's log group.
   * Off by default: every state's event is logged (level ALL) without its data.
   * @default false
   */
  readonly logExecutionData?: boolean;
  /**
   * Customer managed KMS keys of the watched machines: kms:Decrypt through Step Functions for the machine's role
   * (a single-account environment; a central one acts with the source accounts' act roles, which get it there).
   * @default - none
   */
  readonly kmsKeyArns?: readonly string[];
  /**
   * The Slack workspace (`team_id`) whose clicks are accepted.
   * @default - any workspace the app is installed in
   */
  readonly teamId?: string;
  /**
   * The Slack app (`api_app_id`) whose clicks are accepted.
   * @default - any app that holds the signing secret
   */
  readonly appId?: string;
  /**
   * A central environment: the watched executions run in the source accounts, so the machine acts through each
   * execution's act role there (task `Credentials`, contract/source-credentials.ts) and may assume only those roles; its
   * own role is named `sfn-slack-<env>-actions`, which the act roles trust (with the act-in-region function's
   * role, `sfn-slack-<env>-act-in-region`, and no other principal).
   * @default - a single-account environment: the machine acts with its own role
   */
  readonly central?: ActionSources;
}

/** Where a central environment's act roles are. */
export interface ActionSources {
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  /** With an organization, the member accounts are not known at synth: any account's act role of a region. */
  readonly organizationId?: string;
}

/**
 * What acting on a watched execution takes, for the actions somebody may do only: RedriveExecution and
 * StopExecution on the executions, and the `sfn-slack:mute-until` tag (no other key) on the state machines. The
 * same statements go to the actions machine's role in a single-account environment and to the source accounts'
 * act role in a central one.
 */
export function actionStatements(
  policy: ActionsPolicy,
  executions: readonly string[],
  stateMachines: readonly string[]
): iam.PolicyStatement[] {
  const enabled = enabledActions(policy);
  const executionActions = [
    ...(enabled.includes('redrive') ? ['states:RedriveExecution'] : []),
    ...(enabled.includes('stop') ? ['states:StopExecution'] : []),
  ];
  return [
    ...(executionActions.length > 0
      ? [new iam.PolicyStatement({ actions: executionActions, resources: [...executions] })]
      : []),
    ...(enabled.includes('mute')
      ? [
          new iam.PolicyStatement({
            actions: ['states:TagResource'],
            resources: [...stateMachines],
            conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [TAG_KEYS.muteUntil] } },
          }),
        ]
      : []),
  ];
}

/** sts:AssumeRole on the act roles of the source accounts and `regions`, and nothing else of theirs. */
function assumeActRoles(
  stack: Stack,
  env: string,
  central: ActionSources,
  regions: readonly string[] = central.regions
): iam.PolicyStatement[] {
  return assumeSourceRoles(stack, central, regions, (region) => actionRoleName(env, region));
}

/**
 * The regions whose act roles the actions machine's SDK tasks (Redrive, Stop, Mute, with task `Credentials`) run
 * with. SDK integrations call only the machine's own region, and runs of the other source regions go to the
 * act-in-region function, so a stack of a known source region needs that region's act roles only. When synth does
 * not know the stack's region (an environment-agnostic stack), any source region may be the machine's own, so all
 * of them stay. A stack outside the source regions keeps them all too: its SDK tasks act on no watched run (the
 * watched machines are all in source regions), and an sts:AssumeRole statement with no resource is no valid policy.
 */
function sdkTaskRegions(stack: Stack, central: ActionSources): readonly string[] {
  if (Token.isUnresolved(stack.region) || !central.regions.includes(stack.region)) return central.regions;
  return [stack.region];
}

export class SlackActions extends Construct {
  public readonly function: lambda.Function;
  /** Slack's interactivity request URL. */
  public readonly functionUrl: lambda.FunctionUrl;
  public readonly signingSecret: secretsmanager.ISecret;
  public readonly stateMachine: sfn.StateMachine;
  /** A central environment's act-in-region function (runs of the other source regions); undefined otherwise. */
  public readonly actInRegionFunction: lambda.Function | undefined;
  public readonly logGroup: logs.LogGroup;
  /** The DefinitionSubstitutions passed to the actions machine. */
  public readonly substitutions: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: SlackActionsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const env = props.environmentName;
    const retention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;

    this.signingSecret =
      props.signingSecret ??
      new secretsmanager.Secret(this, 'SigningSecret', {
        description: `sfn-slack-notifier (${env}): Slack app signing secret, written by sfn-slack setup`,
        generateSecretString: { passwordLength: 32, excludePunctuation: true },
      });

    // Actions state machine
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/vendedlogs/states/sfn-slack-notifier-${env}-actions`,
      retention,
    });
    this.substitutions = {
      TableName: props.table.tableName,
      ConnectionArn: props.connection.connectionArn,
      Environment: jsonStringSubstitution('SlackActions: environmentName', env),
      WatchedStateMachines: props.watchedStateMachines.join(','),
      ActionsPolicy: jsonStringSubstitution('SlackActions: policy', JSON.stringify(props.policy)),
      ClaimRetentionSeconds: String(CLAIM_RETENTION_SECONDS),
    };
    // The source regions the machine cannot reach with its SDK integrations: all of them when its own is not known.
    const otherRegions = Token.isUnresolved(stack.region)
      ? (props.central?.regions ?? [])
      : (props.central?.regions ?? []).filter((region) => region !== stack.region);
    this.actInRegionFunction =
      props.central && otherRegions.length > 0
        ? this.actInRegion(env, retention, assumeActRoles(stack, env, props.central, otherRegions))
        : undefined;
    if (this.actInRegionFunction) {
      this.substitutions = {
        ...this.substitutions,
        [ACT_IN_REGION_PLACEHOLDER]: this.actInRegionFunction.functionArn,
      };
    }
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: `sfn-slack-notifier (${env}): Redrive, Stop and Mute from Slack`,
      definitionBody: sfn.DefinitionBody.fromString(
        props.central
          ? withSourceCredentials(readFileSync(ACTIONS_STATE_MACHINE_FILE, 'utf8'), env, 'act', {
              gateOtherRegions: this.actInRegionFunction !== undefined,
            })
          : readFileSync(ACTIONS_STATE_MACHINE_FILE, 'utf8')
      ),
      definitionSubstitutions: { ...this.substitutions },
      stateMachineType: sfn.StateMachineType.STANDARD,
      // Every state's event, without the click, the message or a cause unless asked (logExecutionData).
      logs: {
        destination: this.logGroup,
        level: sfn.LogLevel.ALL,
        includeExecutionData: props.logExecutionData ?? false,
      },
      tracingEnabled: true,
    });
    // POST by exact URL, GET (query parameters) with StringLike and a trailing * (infra/http-task-permissions.ts).
    const httpStatements = invokeHttpStatements(this.stateMachine.stateMachineArn, SLACK_ACTION_METHODS);
    const machinePolicy = new iam.Policy(this, 'StateMachinePolicy', {
      roles: [this.stateMachine.role],
      statements: [
        ...(props.central
          ? assumeActRoles(stack, env, props.central, sdkTaskRegions(stack, props.central))
          : [
              ...actionStatements(props.policy, props.watchedExecutions, props.watchedStateMachines),
              ...watchedKeyStatements(props.kmsKeyArns ?? []),
            ]),
        new iam.PolicyStatement({
          actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
          resources: [props.table.tableArn],
          conditions: {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${ACTION_PARTITION_PREFIX}*`] },
          },
        }),
        ...(this.actInRegionFunction
          ? [
              new iam.PolicyStatement({
                actions: ['lambda:InvokeFunction'],
                resources: [this.actInRegionFunction.functionArn],
              }),
            ]
          : []),
        ...httpStatements,
        ...connectionStatements(props.connection),
      ],
    });

    // Interactivity Lambda
    const functionLogGroup = new logs.LogGroup(this, 'FunctionLogGroup', { retention });
    const functionProps = {
      description: `sfn-slack-notifier (${env}): Slack interactivity endpoint (signature, replay, authorization)`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      // Slack gives up after 3 s, a cold start included, and Lambda gives CPU in proportion to memory ("At 1,769 MB,
      // a function has the equivalent of one vCPU", Lambda Developer Guide, "Configure Lambda function memory"):
      // at 512 MB the cold start's CPU work takes half as long as at 256 (bench/endpoint-budget.ts). Clicks are
      // rare and short, so the cost is negligible.
      memorySize: 512,
      // The work itself is a secret read (cached), one put and one StartExecution.
      timeout: Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: functionLogGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        [INTERACTIVITY_ENV.signingSecretArn]: this.signingSecret.secretArn,
        [INTERACTIVITY_ENV.stateMachineArn]: this.stateMachine.stateMachineArn,
        [INTERACTIVITY_ENV.tableName]: props.table.tableName,
        [INTERACTIVITY_ENV.watched]: stack.toJsonString([...props.watchedStateMachines]),
        [INTERACTIVITY_ENV.policy]: JSON.stringify(props.policy),
        [INTERACTIVITY_ENV.environment]: env,
        ...(props.teamId === undefined ? {} : { [INTERACTIVITY_ENV.teamId]: props.teamId }),
        ...(props.appId === undefined ? {} : { [INTERACTIVITY_ENV.appId]: props.appId }),
      },
    } satisfies Partial<lambda.FunctionProps>;
    this.function = projectFunction(this, 'Function', {
      functionProps,
      files: INTERACTIVITY_FILES,
    });
    this.signingSecret.grantRead(this.function);
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [REQUEST_PARTITION] } },
      })
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:StartExecution'],
        resources: [this.stateMachine.stateMachineArn],
      })
    );
    // Slack cannot sign AWS (SigV4) requests: the function authenticates each request by its Slack signature.
    this.functionUrl = this.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

    if (props.central) {
      (this.stateMachine.role.node.defaultChild as iam.CfnRole).roleName = actionsRoleName(env);
    }
    this.acknowledgeNagFindings(
      machinePolicy,
      props.central
        ? []
        : [...props.watchedExecutions, ...props.watchedStateMachines.filter((arn) => arn.includes('*'))],
      props.central?.organizationId === undefined
        ? []
        : assumeActRoles(stack, env, props.central, sdkTaskRegions(stack, props.central)).flatMap(
            (statement) => statement.resources
          )
    );
  }

  /**
   * The act-in-region function: its own role (a fixed name, trusted by the act roles) may assume the act roles and
   * write its logs and traces, nothing else; the actions machine is its only caller.
   */
  private actInRegion(
    env: string,
    retention: logs.RetentionDays,
    assumeActRoles: readonly iam.PolicyStatement[]
  ): lambda.Function {
    const role = new iam.Role(this, 'ActInRegionRole', {
      roleName: actInRegionRoleName(env),
      description: `sfn-slack-notifier (${env}): redrives or stops runs of the other source regions through their act roles`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole'),
      ],
    });
    for (const statement of assumeActRoles) role.addToPolicy(statement);
    const fn = projectFunction(this, 'ActInRegion', {
      functionProps: {
        description: `sfn-slack-notifier (${env}): Redrive and Stop from Slack for runs of the other source regions`,
        runtime: lambda.Runtime.NODEJS_24_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: 256,
        // One AssumeRole and one Step Functions call; the machine's task times out at 30 s.
        timeout: Duration.seconds(20),
        role,
        tracing: lambda.Tracing.ACTIVE,
        logGroup: new logs.LogGroup(this, 'ActInRegionLogGroup', { retention }),
        loggingFormat: lambda.LoggingFormat.JSON,
        environment: { [CENTRAL_ENVIRONMENT_ENV]: env },
      },
      files: ACT_IN_REGION_FILES,
    });
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'Act-in-region function role: the AWS managed basic execution policy only lets the function write its CloudWatch logs.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'Act-in-region function role: X-Ray PutTraceSegments/PutTelemetryRecords support only Resource "*".',
      }
    );
    const resources = assumeActRoles.flatMap((statement) => statement.resources);
    for (const resource of resources.filter((arn) => arn.includes('*'))) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResourceName(Stack.of(this), resource)}]`,
        reason:
          'sts:AssumeRole on the act role of one region in any account of the source organization: the member accounts are not known at synth; each act role trusts only the actions and act-in-region roles.',
      });
    }
    Validations.of(fn).acknowledge({
      id: 'Serverless::Serverless-LambdaDLQ',
      reason:
        'The act-in-region function is invoked synchronously by the actions machine, which retries and reports its errors; a Lambda DLQ only applies to asynchronous invocations.',
    });
    return fn;
  }

  private acknowledgeNagFindings(
    machinePolicy: iam.Policy,
    wildcards: readonly string[],
    anyAccountRoles: readonly string[]
  ): void {
    const role = this.function.role as iam.Role;
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'Interactivity function role: the AWS managed basic execution policy only lets the function write its CloudWatch logs.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'Interactivity function role: X-Ray PutTraceSegments/PutTelemetryRecords support only Resource "*".',
      }
    );
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'Actions state machine role: CloudWatch Logs log delivery and X-Ray actions support only Resource "*".',
    });
    for (const resource of wildcards) {
      Validations.of(machinePolicy).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResourceName(Stack.of(this), resource)}]`,
        reason:
          'states:RedriveExecution/StopExecution on the executions of one watched state machine, or TagResource (sfn-slack:mute-until only) on the machines of one watched name prefix: the execution or machine named in a button is not known in advance; the actions machine also checks it.',
      });
    }
    for (const resource of anyAccountRoles.filter((arn) => arn.includes('*'))) {
      Validations.of(machinePolicy).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResourceName(Stack.of(this), resource)}]`,
        reason:
          'sts:AssumeRole on the act role of one region in any account of the source organization (aws:ResourceOrgID): the member accounts are not known at synth; each act role trusts only the actions and act-in-region roles.',
      });
    }
    if (this.signingSecret instanceof secretsmanager.Secret) {
      Validations.of(this.signingSecret).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SMG4',
        reason:
          'Slack issues the signing secret; Secrets Manager cannot rotate it. Regenerate it in the Slack app, then sfn-slack setup --signing-secret writes it.',
      });
    }
    Validations.of(this.function).acknowledge({
      id: 'Serverless::Serverless-LambdaDLQ',
      reason:
        'The interactivity function is invoked synchronously through its function URL (Slack waits for the answer); a Lambda DLQ only applies to asynchronous invocations.',
    });
  }
}
