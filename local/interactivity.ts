/**
 * Slack actions, locally: the interactivity endpoint (the Lambda's own decision, formatters/actions/interactivity.ts,
 * behind a localhost HTTP server) and `statemachines/actions.asl.json` on the local runner.
 *
 * Stand-ins at the AWS edge only: StartExecution runs the actions machine in process; RedriveExecution and
 * StopExecution are recorded, every call with its client token (AWS would treat a repeated token as the same redrive;
 * the stand-in counts each call, so a test sees that the claim alone keeps a double click to one call); a mute
 * tags the watched machine in the pipeline's tag store, which the notifier reads; the replay guard and claims live
 * in the pipeline's DynamoDB (dynalite) through the real SDK client; Slack is the local Slack server through the
 * pipeline's connection. Every AWS call a click causes is recorded. In a central environment, a run of another
 * region than the machine's is redriven, stopped or muted (its machine tagged) by the act-in-region function's own logic
 * (formatters/act-in-region/act-in-region.ts), run in process behind `lambda:invoke`, with a Step Functions stand-in that
 * records the role and region of each client it is given and allows only the act role of the run's account, in
 * the run's region.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  RedriveExecutionCommand,
  type SFNClient,
  StartExecutionCommand,
  type StartExecutionCommandInput,
  StopExecutionCommand,
  TagResourceCommand,
} from '@aws-sdk/client-sfn';
import { type ActionsPolicy, CLAIM_RETENTION_SECONDS } from '../contract/actions.js';
import { jsonStringSubstitution } from '../contract/definition-values.js';
import { withSourceCredentials } from '../contract/source-credentials.js';
import { ACT_IN_REGION_PLACEHOLDER } from '../contract/sources.js';
import { type ActTarget, actInRegion } from '../formatters/act-in-region/act-in-region.js';
import {
  handleInteraction,
  type IncomingRequest,
  type InteractivityAnswer,
  type InteractivityDeps,
} from '../formatters/actions/interactivity.js';
import {
  type Clock,
  type ExecutionResult,
  type ResourceHandler,
  runStateMachine,
  StatesError,
  substitute,
} from './asl/index.js';
import { actWithSourceRole, checkSourceRead, type SourceRead } from './stand-ins/source-roles.js';
import { type TagStore, tagHandlers } from './stand-ins/tags.js';

const machineFile = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'statemachines',
  'actions.asl.json'
);

export const sfnActionResources = {
  redrive: 'arn:aws:states:::aws-sdk:sfn:redriveExecution',
  stop: 'arn:aws:states:::aws-sdk:sfn:stopExecution',
  tag: 'arn:aws:states:::aws-sdk:sfn:tagResource',
} as const;

/** One AWS API call a click caused. */
export interface AwsCall {
  /** `StepFunctions.StartExecution`, `StepFunctions.RedriveExecution`, `DynamoDB.PutItem`, … */
  readonly api: string;
  /** The execution acted on, or the item's partition key. */
  readonly target?: string;
}

/** One click as the scenario report lists it. */
export interface ClickRecord {
  readonly action: string;
  readonly user: string;
  readonly signature: string;
  /** The HTTP status the endpoint answered (0: the button was not on the message, nothing was sent). */
  readonly status: number;
  readonly outcome: string;
  readonly awsCalls: AwsCall[];
  /** The actions machine's result, when one ran. */
  readonly machine?: { readonly status: string; readonly output?: unknown; readonly error?: string };
}

export interface LocalActionsOptions {
  readonly clock: Clock;
  readonly environment: string;
  readonly policy: ActionsPolicy;
  /** Watched state machine ARNs, and ARN prefixes ending in `*`. */
  readonly watched: readonly string[];
  /** The watched machines' tags, shared with the notifier (a Mute button sets `sfn-slack:mute-until` here). */
  readonly tags: TagStore;
  readonly tableName: string;
  readonly dynamodb: DynamoDBClient;
  /** The DynamoDB task handlers (getItem, putItem, updateItem, deleteItem). */
  readonly dynamodbHandlers: Record<string, ResourceHandler>;
  /** The http:invoke handler with the Slack connection. */
  readonly http: ResourceHandler;
  readonly httpResource: string;
  readonly connectionArn: string;
  /** Posts to a response URL (the local Slack server's). */
  readonly respond: InteractivityDeps['respond'];
  /** @default a random secret */
  readonly signingSecret?: string;
  /** The workspace and app clicks must come from, as settings actions.teamId/appId. @default - any */
  readonly teamId?: string;
  readonly appId?: string;
  readonly random?: () => number;
  /**
   * A central environment: the machine acts through each execution's act role (task `Credentials`), and the
   * stand-in allows an act only with the act role of the execution's account and region, in this machine's
   * region (us-east-1); every attempt is in `sourceActs`. @default false
   */
  readonly central?: boolean;
}

const region = 'us-east-1';
const account = '000000000000';
const stateMachineArn = `arn:aws:states:${region}:${account}:stateMachine:sfn-slack-actions-local`;
/** The act-in-region function of a central environment, run in process. */
const actInRegionFunctionArn = `arn:aws:lambda:${region}:${account}:function:sfn-slack-act-in-region-local`;
const lambdaInvoke = 'arn:aws:states:::lambda:invoke';

/** The endpoint, the actions machine and the Step Functions stand-in. */
export class LocalActions {
  readonly signingSecret: string;
  /** Every click handled, oldest first. */
  readonly clicks: ClickRecord[] = [];
  /** RedriveExecution / StopExecution calls, as the Step Functions stand-in received them. */
  readonly sfnCalls: Array<{ api: string; executionArn: string; clientToken?: string }> = [];
  /** In a central environment, every act on a source account and the role it ran with, oldest first. */
  readonly sourceActs: SourceRead[] = [];
  private readonly definition: string;
  private server: Server | undefined;
  private calls: AwsCall[] = [];
  private running: Promise<ExecutionResult> | undefined;

  constructor(private readonly options: LocalActionsOptions) {
    this.signingSecret = options.signingSecret ?? randomUUID().replace(/-/g, '');
    const file = readFileSync(machineFile, 'utf8');
    // A central environment's definition is the construct's: act role Credentials and the region gates.
    this.definition = substitute(
      options.central ? withSourceCredentials(file, options.environment, 'act') : file,
      {
        TableName: options.tableName,
        ConnectionArn: options.connectionArn,
        Environment: jsonStringSubstitution('environment', options.environment),
        WatchedStateMachines: options.watched.join(','),
        ActionsPolicy: jsonStringSubstitution('policy', JSON.stringify(options.policy)),
        ClaimRetentionSeconds: String(CLAIM_RETENTION_SECONDS),
        ...(options.central ? { [ACT_IN_REGION_PLACEHOLDER]: actInRegionFunctionArn } : {}),
      }
    );
  }

  /** Serves the endpoint on 127.0.0.1 (ephemeral port); resolves with its URL. */
  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      this.serve(req)
        .then((answer) => {
          res.writeHead(answer.status, { 'content-type': answer.body ? 'application/json' : 'text/plain' });
          res.end(answer.body);
        })
        .catch(() => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('internal_error');
        });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/slack/interactivity`;
  }

  private async serve(req: IncomingMessage): Promise<InteractivityAnswer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v[0] : v])
    );
    return this.handle({
      method: req.method ?? 'GET',
      headers,
      rawBody: Buffer.concat(chunks).toString('utf8'),
    });
  }

  /** Handles one request as the Lambda does, then lets the machine it started run to its end. */
  async handle(request: IncomingRequest): Promise<InteractivityAnswer> {
    this.calls = [];
    this.running = undefined;
    const answer = await handleInteraction(
      request,
      {
        environment: this.options.environment,
        stateMachineArn,
        tableName: this.options.tableName,
        watched: this.options.watched,
        policy: this.options.policy,
        ...(this.options.teamId === undefined ? {} : { teamId: this.options.teamId }),
        ...(this.options.appId === undefined ? {} : { appId: this.options.appId }),
      },
      {
        signingSecret: async () => this.signingSecret,
        dynamodb: this.recordingDynamoDb(),
        sfn: {
          send: (command: unknown) => this.startExecution(command),
        } as unknown as InteractivityDeps['sfn'],
        respond: this.options.respond,
        now: () => this.options.clock.now(),
      }
    );
    const result = this.running ? await (this.running as Promise<ExecutionResult>) : undefined;
    this.lastMachine = result;
    this.lastCalls = this.calls;
    this.lastOutcome = answer.outcome;
    return answer;
  }

  /** The endpoint's outcome for the last request (`started`, `bad-signature`, `not-allowed`, …). */
  lastOutcome: string | undefined;

  /** The AWS calls and machine result of the last request handled. */
  lastCalls: AwsCall[] = [];
  lastMachine: ExecutionResult | undefined;

  /** Records a click (the scenario's `click` step). */
  record(click: Omit<ClickRecord, 'awsCalls' | 'machine'>): ClickRecord {
    const machine = this.lastMachine;
    const entry: ClickRecord = {
      ...click,
      awsCalls: click.status === 0 ? [] : [...this.lastCalls],
      ...(machine && click.status !== 0
        ? {
            machine: {
              status: machine.status,
              ...(machine.output === undefined ? {} : { output: machine.output }),
              ...(machine.error === undefined ? {} : { error: machine.error }),
            },
          }
        : {}),
    };
    this.clicks.push(entry);
    this.lastCalls = [];
    this.lastMachine = undefined;
    this.lastOutcome = undefined;
    return entry;
  }

  private recordingDynamoDb(): DynamoDBClient {
    const client = this.options.dynamodb;
    return {
      send: (command: { constructor: { name: string }; input?: { Item?: { pk?: { S?: string } } } }) => {
        this.calls.push({
          api: `DynamoDB.${command.constructor.name.replace(/Command$/, '')}`,
          ...(command.input?.Item?.pk?.S ? { target: command.input.Item.pk.S } : {}),
        });
        return client.send(command as never);
      },
    } as unknown as DynamoDBClient;
  }

  /** The Step Functions stand-in's StartExecution: records the call and runs the actions machine. */
  private async startExecution(command: unknown): Promise<{ executionArn: string; startDate: Date }> {
    if (!(command instanceof StartExecutionCommand)) throw new Error('only StartExecution is stood in');
    const input = command.input as StartExecutionCommandInput;
    const name = input.name ?? randomUUID();
    const executionArn = `arn:aws:states:${region}:${account}:execution:sfn-slack-actions-local:${name}`;
    this.calls.push({ api: 'StepFunctions.StartExecution', target: executionArn });
    this.running = runStateMachine(this.definition, JSON.parse(input.input ?? '{}'), {
      resources: this.machineResources(),
      clock: this.options.clock,
      stateMachineArn,
      executionArn,
      name,
      ...(this.options.random ? { random: this.options.random } : {}),
    });
    return { executionArn, startDate: new Date(this.options.clock.now()) };
  }

  private machineResources(): Record<string, ResourceHandler> {
    const recorded: Record<string, ResourceHandler> = {};
    for (const [resource, handler] of Object.entries(this.options.dynamodbHandlers)) {
      const api = `DynamoDB.${resource
        .split(':')
        .pop()
        ?.replace(/^./, (c) => c.toUpperCase())}`;
      recorded[resource] = (task) => {
        const args = task.arguments as { Item?: { pk?: { S?: string } }; Key?: { pk?: { S?: string } } };
        const target = args.Item?.pk?.S ?? args.Key?.pk?.S;
        this.calls.push({ api, ...(target ? { target } : {}) });
        return handler(task);
      };
    }
    const tags = tagHandlers(this.options.tags);
    const acts = {
      [sfnActionResources.redrive]: this.redriveHandler(),
      [sfnActionResources.stop]: this.stopHandler(),
      [sfnActionResources.tag]: (async (task) => {
        const args = task.arguments as { ResourceArn: string };
        this.calls.push({ api: 'StepFunctions.TagResource', target: args.ResourceArn });
        return tags.tag(task);
      }) satisfies ResourceHandler,
    };
    const environment = this.options.environment;
    const record = (act: SourceRead) => this.sourceActs.push(act);
    return {
      ...recorded,
      [this.options.httpResource]: this.options.http,
      ...(this.options.central
        ? {
            ...Object.fromEntries(
              Object.entries(acts).map(([r, h]) => [r, actWithSourceRole(h, environment, record)])
            ),
            [lambdaInvoke]: this.actInRegionHandler(),
          }
        : acts),
    };
  }

  /**
   * `lambda:invoke` of the act-in-region function: its logic in process, answering like the optimized Lambda
   * integration (a thrown error fails the task with its name, as Lambda reports a function error).
   */
  private actInRegionHandler(): ResourceHandler {
    return async (task) => {
      const args = task.arguments as { FunctionName?: unknown; Payload?: unknown };
      if (args.FunctionName !== actInRegionFunctionArn) {
        throw new StatesError(
          'Lambda.ResourceNotFoundException',
          `Function not found: ${String(args.FunctionName)}`
        );
      }
      this.calls.push({ api: 'Lambda.Invoke', target: actInRegionFunctionArn });
      const payload = JSON.parse(JSON.stringify(args.Payload ?? {})) as unknown;
      const answer = await actInRegion(payload, this.options.environment, (target) =>
        this.sourceSfnClient(target, task.stateName)
      );
      return { Payload: JSON.parse(JSON.stringify(answer)), StatusCode: 200, ExecutedVersion: '$LATEST' };
    };
  }

  /**
   * The Step Functions stand-in the act-in-region logic is given: a client of one role and region. It allows a
   * call only with the act role of the execution's account and region, in that region (as the source accounts'
   * IAM and Step Functions' regional endpoints do), and records every attempt in `sourceActs`.
   */
  private sourceSfnClient(target: ActTarget, stateName: string): Pick<SFNClient, 'send'> {
    const send = async (command: unknown) => {
      const input = (command as { input: { executionArn?: string; resourceArn?: string } }).input;
      // A tag names the machine, whose ARN holds the same account and region the role check reads.
      const executionArn = input.executionArn ?? input.resourceArn ?? '';
      const api =
        command instanceof RedriveExecutionCommand
          ? 'RedriveExecution'
          : command instanceof StopExecutionCommand
            ? 'StopExecution'
            : 'TagResource';
      try {
        checkSourceRead(
          { executionArn, roleArn: target.roleArn, callerRegion: target.region },
          this.options.environment,
          api,
          'act'
        );
      } catch (error) {
        this.sourceActs.push({ stateName, executionArn, roleArn: target.roleArn, allowed: false });
        // As the SDK reports IAM's refusal.
        throw Object.assign(new Error((error as Error).message), { name: 'AccessDeniedException' });
      }
      this.sourceActs.push({ stateName, executionArn, roleArn: target.roleArn, allowed: true });
      if (command instanceof RedriveExecutionCommand) {
        const { clientToken } = command.input;
        const out = this.recordRedrive({
          ExecutionArn: executionArn,
          ...(clientToken ? { ClientToken: clientToken } : {}),
        });
        return { redriveDate: new Date(out.RedriveDate) };
      }
      if (command instanceof StopExecutionCommand) {
        return { stopDate: new Date(this.recordStop({ ExecutionArn: executionArn }).StopDate) };
      }
      if (command instanceof TagResourceCommand) {
        const { resourceArn, tags = [] } = command.input;
        this.calls.push({ api: 'StepFunctions.TagResource', target: resourceArn ?? '' });
        await tagHandlers(this.options.tags).tag({
          arguments: { ResourceArn: resourceArn, Tags: tags.map((t) => ({ Key: t.key, Value: t.value })) },
        });
        return {};
      }
      throw new Error('only RedriveExecution, StopExecution and TagResource are stood in');
    };
    return { send } as unknown as Pick<SFNClient, 'send'>;
  }

  private redriveHandler(): ResourceHandler {
    return async (task) =>
      this.recordRedrive(task.arguments as { ExecutionArn: string; ClientToken?: string });
  }

  /** One RedriveExecution, as the stand-in receives it. */
  private recordRedrive(args: { ExecutionArn: string; ClientToken?: string }): { RedriveDate: string } {
    this.calls.push({ api: 'StepFunctions.RedriveExecution', target: args.ExecutionArn });
    this.sfnCalls.push({
      api: 'RedriveExecution',
      executionArn: args.ExecutionArn,
      ...(args.ClientToken ? { clientToken: args.ClientToken } : {}),
    });
    return { RedriveDate: new Date(this.options.clock.now()).toISOString() };
  }

  private stopHandler(): ResourceHandler {
    return async (task) => this.recordStop(task.arguments as { ExecutionArn: string });
  }

  /** One StopExecution, as the stand-in receives it. */
  private recordStop(args: { ExecutionArn: string }): { StopDate: string } {
    if (!args.ExecutionArn) throw new StatesError('Sfn.ValidationException', 'ExecutionArn is required');
    this.calls.push({ api: 'StepFunctions.StopExecution', target: args.ExecutionArn });
    this.sfnCalls.push({ api: 'StopExecution', executionArn: args.ExecutionArn });
    return { StopDate: new Date(this.options.clock.now()).toISOString() };
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
