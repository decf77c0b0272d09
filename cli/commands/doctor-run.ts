/**
 * `sfn-slack doctor`: checks an environment end to end and prints a checklist, each failed check with what
 * to do. Exit 1 when any check fails, 3 when AWS cannot be reached at all (no credentials, no region).
 *
 * Checks: the stack is deployed with its outputs; the EventBridge connection is AUTHORIZED (or the webhook
 * parameter exists); the notifier and delivery state machines exist with the right type and the notifier
 * reads execution history; the watched state machines (from the stack's EventBridge rule) exist and are
 * Standard; the dead-letter queue is empty; with Slack actions, the interactivity endpoint answers a signed ping
 * and refuses an unsigned one. `--send-test` posts a test message through the delivery state
 * machine (StartSyncExecution), as a real notification would go.
 */
import { ListStackResourcesCommand, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import {
  DescribeConnectionCommand,
  DescribeRuleCommand,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import {
  DescribeStateMachineCommand,
  type DescribeStateMachineOutput,
  paginateListStateMachines,
  StartSyncExecutionCommand,
  type StateMachineListItem,
} from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { ACTIONS_OUTPUTS } from '../../contract/actions.js';
import { parseArn } from '../../contract/arns.js';
import type { DeliveryMessage } from '../../contract/formatter.js';
import { PING_TYPE } from '../../formatters/actions/payload.js';
import { signSlackRequest } from '../../formatters/actions/signature.js';
import type { AwsClients } from '../aws/clients.js';
import { toCliError } from '../aws/errors.js';
import type { Io } from '../aws/io.js';
import { type EnvOptions, type NotifierTarget, resolveTarget, targetName } from '../aws/options.js';
import { REQUIRED_OUTPUTS, readStack, type StackInfo, stackName, targetLabel } from '../aws/stack.js';
import { CliError, ExitCode } from '../errors.js';
import { webhookParameterName } from './setup-run.js';

export interface DoctorOptions extends EnvOptions {
  readonly sendTest?: boolean;
  /** Channel for the test message (channel mode). @default - the stack's SlackChannel output */
  readonly channel?: string;
  /** Print the checks as one JSON document instead of the checklist. */
  readonly json?: boolean;
}

export interface Check {
  readonly ok: boolean;
  readonly title: string;
  /** What to do when it failed, or a detail when it passed. */
  readonly detail?: string;
}

/** Errors that mean AWS itself is out of reach: no check can say anything useful then. */
const FATAL_CODES = /^(no AWS credentials|no AWS region|AWS credentials expired|could not reach AWS)/;

export async function runDoctor(options: DoctorOptions, io: Io, clients: AwsClients): Promise<Check[]> {
  const target = resolveTarget(options);
  const checks: Check[] = [];
  // With --json, standard output carries one JSON document and nothing else.
  const print = (text: string): void => {
    if (!options.json) io.stdout.write(text);
  };
  const record = (check: Check): void => {
    checks.push(check);
    print(`${check.ok ? '✓' : '✗'} ${check.title}${check.detail ? `\n    ${check.detail}` : ''}\n`);
  };
  print(`Checking ${targetLabel(target)}\n\n`);

  const stack = await checkStack(target, clients, record);
  const env = stack?.env ?? targetName(target);
  if (stack) {
    await step(record, 'Slack credential', () => checkCredential(stack, clients, record));
    await step(record, 'State machines', () => checkStateMachines(stack, clients, record));
    await step(record, 'Watched state machines', () => checkWatched(stack, clients, record));
    await step(record, 'Dead-letter queue', () => checkDeadLetterQueue(stack, clients, record));
    if (stack.outputs[ACTIONS_OUTPUTS.interactivityUrl]) {
      await step(record, 'Slack actions endpoint', () => checkInteractivity(stack, clients, record));
    }
    if (options.sendTest) {
      await step(record, 'Test message', () => sendTest(stack, options, clients, record));
    }
  }

  const failed = checks.filter((check) => !check.ok).length;
  print(`\n${failed === 0 ? 'All checks passed.' : `${failed} check(s) failed.`}\n`);
  if (options.json) {
    const report = {
      env,
      stackName: stack?.stackName ?? (target.kind === 'env' ? stackName(target.env) : undefined),
      ok: failed === 0,
      checks,
    };
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  }
  if (failed > 0) {
    throw new CliError(
      `doctor found ${failed} problem(s) in ${env} (see the ${options.json ? 'JSON' : 'checklist'} above)`,
      ExitCode.failed
    );
  }
  return checks;
}

/** Runs a group of checks; an AWS error becomes a failed check, unless AWS is unreachable altogether. */
async function step(record: (check: Check) => void, title: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    const cliError = toCliError(error, `check ${title.toLowerCase()}`);
    if (FATAL_CODES.test(cliError.message)) throw cliError;
    record({ ok: false, title, detail: cliError.message });
  }
}

async function checkStack(
  target: NotifierTarget,
  clients: AwsClients,
  record: (check: Check) => void
): Promise<StackInfo | undefined> {
  let stack: StackInfo;
  try {
    stack = await readStack(clients, target);
  } catch (error) {
    if (error instanceof CliError && /^(stack |no notifier descriptor )/.test(error.message)) {
      const title =
        target.kind === 'env'
          ? `Stack ${stackName(target.env)} deployed`
          : `${capitalized(targetLabel(target))} deployed`;
      record({ ok: false, title, detail: error.message });
      return undefined;
    }
    throw error;
  }
  const status = stack.status ?? 'UNKNOWN';
  const healthy = /_COMPLETE$/.test(status) && !/ROLLBACK|DELETE/.test(status);
  record({
    ok: healthy,
    title: `Stack ${stack.stackName} deployed (${status})`,
    ...(healthy ? {} : { detail: `fix the failed deployment, then ${stack.redeploy}` }),
  });
  const missing: string[] = REQUIRED_OUTPUTS.filter((name) => !stack.outputs[name]);
  if (!stack.outputs.BotTokenSecretArn && !stack.outputs.WebhookParameterName) {
    missing.push('BotTokenSecretArn or WebhookParameterName');
  }
  record({
    ok: missing.length === 0,
    title: 'Stack outputs present',
    ...(missing.length === 0
      ? {}
      : {
          detail: `missing ${missing.join(', ')}: ${stack.redeploy} (this version of sfn-slack-notifier)`,
        }),
  });
  return stack;
}

async function checkCredential(stack: StackInfo, clients: AwsClients, record: (check: Check) => void) {
  const connectionName = stack.outputs.ConnectionName;
  if (connectionName) {
    const connection = await clients.eventBridge.send(
      new DescribeConnectionCommand({ Name: connectionName })
    );
    const state = connection.ConnectionState ?? 'UNKNOWN';
    record({
      ok: state === 'AUTHORIZED',
      title: `Connection ${connectionName} is AUTHORIZED`,
      ...(state === 'AUTHORIZED'
        ? {}
        : {
            detail: `it is ${state}${connection.StateReason ? ` (${connection.StateReason})` : ''}: store the Slack credential with \`sfn-slack setup ${stack.flag}${stack.outputs.BotTokenSecretArn ? '' : ' --webhook'}\``,
          }),
    });
  }
  if (!stack.outputs.BotTokenSecretArn) {
    const name = stack.outputs.WebhookParameterName ?? webhookParameterName(stack.env);
    try {
      // WithDecryption false: the check needs to know the parameter exists, never its value.
      await clients.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: false }));
      record({ ok: true, title: `Webhook parameter ${name} exists` });
    } catch (error) {
      if ((error as { name?: string }).name !== 'ParameterNotFound') throw error;
      record({
        ok: false,
        title: `Webhook parameter ${name} exists`,
        detail: `store the webhook URL: sfn-slack setup ${stack.flag} --webhook < url.txt`,
      });
    }
  }
}

async function checkStateMachines(stack: StackInfo, clients: AwsClients, record: (check: Check) => void) {
  const notifierArn = stack.outputs.NotifierStateMachineArn;
  if (notifierArn) {
    const notifier = await checkMachine(stack, clients, record, notifierArn, 'Notifier', 'STANDARD');
    const readsHistory = /getExecutionHistory/i.test(notifier.definition ?? '');
    record({
      ok: readsHistory && Boolean(notifier.roleArn),
      title: 'Notifier reads execution history with its own role',
      ...(readsHistory && notifier.roleArn
        ? { detail: notifier.roleArn }
        : {
            detail: `its definition has no GetExecutionHistory step: ${stack.redeploy}`,
          }),
    });
  }
  const deliveryArn = stack.outputs.DeliveryStateMachineArn;
  if (deliveryArn) await checkMachine(stack, clients, record, deliveryArn, 'Delivery', 'EXPRESS');
}

/** Records whether one of the stack's state machines is active and of its type; returns its description. */
async function checkMachine(
  stack: StackInfo,
  clients: AwsClients,
  record: (check: Check) => void,
  stateMachineArn: string,
  label: 'Notifier' | 'Delivery',
  type: 'STANDARD' | 'EXPRESS'
): Promise<DescribeStateMachineOutput> {
  const machine = await clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
  const problems = stateMachineProblems(machine, type);
  record({
    ok: problems.length === 0,
    title: `${label} state machine ${machine.name ?? stateMachineArn} is an active ${type} state machine`,
    ...(problems.length ? { detail: `${problems.join('; ')}: ${stack.redeploy}` } : {}),
  });
  return machine;
}

function stateMachineProblems(machine: DescribeStateMachineOutput, type: 'STANDARD' | 'EXPRESS'): string[] {
  const problems: string[] = [];
  if (machine.status && machine.status !== 'ACTIVE') problems.push(`it is ${machine.status}`);
  if (machine.type !== type) problems.push(`it is ${machine.type ?? 'of unknown type'}`);
  return problems;
}

/** What the rule's event pattern says about `detail.stateMachineArn`. */
export interface WatchList {
  readonly arns: readonly string[];
  readonly prefixes: readonly string[];
}

/** Reads the watched state machines from an EventBridge event pattern (exact ARNs and `prefix` matches). */
export function watchListFromPattern(pattern: string): WatchList {
  const arns: string[] = [];
  const prefixes: string[] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(pattern);
  } catch {
    return { arns, prefixes };
  }
  const detail = (parsed as { detail?: { stateMachineArn?: unknown } }).detail;
  const values = Array.isArray(detail?.stateMachineArn) ? detail.stateMachineArn : [];
  for (const value of values) {
    if (typeof value === 'string') arns.push(value);
    else if (
      value &&
      typeof value === 'object' &&
      typeof (value as { prefix?: unknown }).prefix === 'string'
    ) {
      prefixes.push((value as { prefix: string }).prefix);
    }
    // `anything-but` entries are exclusions (the notifier itself), not watched machines.
  }
  return { arns, prefixes };
}

async function stackRules(stack: StackInfo, clients: AwsClients): Promise<StackResourceSummary[]> {
  const rules: StackResourceSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await clients.cloudFormation.send(
      new ListStackResourcesCommand({
        StackName: stack.stackName,
        ...(nextToken ? { NextToken: nextToken } : {}),
      })
    );
    rules.push(...(page.StackResourceSummaries ?? []).filter((r) => r.ResourceType === 'AWS::Events::Rule'));
    nextToken = page.NextToken;
  } while (nextToken);
  return rules;
}

async function checkWatched(stack: StackInfo, clients: AwsClients, record: (check: Check) => void) {
  const rules = await stackRules(stack, clients);
  const watch = { arns: [] as string[], prefixes: [] as string[] };
  for (const rule of rules) {
    // A rule on a custom bus has the physical id `bus|name`.
    const [bus, name] = (rule.PhysicalResourceId ?? '').includes('|')
      ? (rule.PhysicalResourceId ?? '').split('|')
      : [undefined, rule.PhysicalResourceId];
    if (!name) continue;
    const described = await clients.eventBridge.send(
      new DescribeRuleCommand({ Name: name, ...(bus ? { EventBusName: bus } : {}) })
    );
    if (!described.EventPattern?.includes('Step Functions Execution Status Change')) continue;
    const { Targets = [] } = await clients.eventBridge.send(
      new ListTargetsByRuleCommand({ Rule: name, ...(bus ? { EventBusName: bus } : {}) })
    );
    const targetsNotifier = Targets.some((target) => target.Arn === stack.outputs.NotifierStateMachineArn);
    const enabled = described.State === 'ENABLED';
    record({
      ok: enabled && targetsNotifier,
      title: `Rule ${name} is ENABLED and starts the notifier`,
      ...(enabled && targetsNotifier
        ? {}
        : {
            detail: !enabled
              ? `it is ${described.State}: enable it (aws events enable-rule --name ${name}) or redeploy`
              : `its targets (${Targets.map((t) => t.Arn).join(', ') || 'none'}) do not include the notifier: ${stack.redeploy}`,
          }),
    });
    const list = watchListFromPattern(described.EventPattern);
    watch.arns.push(...list.arns);
    watch.prefixes.push(...list.prefixes);
  }
  if (watch.arns.length === 0 && watch.prefixes.length === 0) {
    record({
      ok: false,
      title: 'Watched state machines configured',
      detail: `no status-change rule with a state machine list in ${stack.stackName}: set the watch list in cdk.json and redeploy`,
    });
    return;
  }
  for (const arn of watch.arns) {
    try {
      const machine = await clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
      const ok = machine.type === 'STANDARD';
      record({
        ok,
        title: `Watched ${machine.name ?? arn} exists and is STANDARD`,
        ...(ok
          ? {}
          : {
              detail: `it is ${machine.type}: Express executions emit no status events; remove it from the watch list in cdk.json`,
            }),
      });
    } catch (error) {
      if ((error as { name?: string }).name !== 'StateMachineDoesNotExist') throw error;
      record({
        ok: false,
        title: `Watched ${arn} exists`,
        detail:
          'no such state machine in this account and region: fix the watch list in cdk.json and redeploy',
      });
    }
  }
  if (watch.prefixes.length > 0) {
    const machines: StateMachineListItem[] = [];
    for await (const page of paginateListStateMachines({ client: clients.sfn }, {})) {
      machines.push(...(page.stateMachines ?? []));
    }
    for (const prefix of watch.prefixes) {
      const matched = machines.filter((machine) => (machine.stateMachineArn ?? '').startsWith(prefix));
      const express = matched.filter((machine) => machine.type !== 'STANDARD');
      const ok = matched.length > 0 && express.length === 0;
      record({
        ok,
        title: `Watched prefix ${prefix} matches ${matched.length} STANDARD state machine(s)`,
        ...(matched.length === 0
          ? { detail: 'nothing matches: fix the prefix in cdk.json, or deploy the state machines first' }
          : express.length > 0
            ? {
                detail: `${express.map((m) => m.name).join(', ')} are EXPRESS and emit no status events: narrow the prefix`,
              }
            : {}),
      });
    }
  }
}

async function checkDeadLetterQueue(stack: StackInfo, clients: AwsClients, record: (check: Check) => void) {
  const url = stack.outputs.DeadLetterQueueUrl;
  if (!url) return;
  const { Attributes } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] })
  );
  const depth = Number(Attributes?.ApproximateNumberOfMessages ?? 0);
  record({
    ok: depth === 0,
    title: `Dead-letter queue is empty${depth === 0 ? '' : ` (${depth} message(s))`}`,
    ...(depth === 0
      ? {}
      : {
          detail: `notifications failed to post: look with \`sfn-slack replay ${stack.flag} --dry-run\`, fix the cause, then \`sfn-slack replay ${stack.flag}\``,
        }),
  });
}

/** An answer within Slack's 3 seconds, or the endpoint is too slow for Slack anyway. */
const ENDPOINT_TIMEOUT_MS = 3_000;

/**
 * The interactivity endpoint (Slack actions): an unsigned request must get 401, a request signed with the stored
 * signing secret must get the ping's 200. The secret is read with the operator's credentials and never printed.
 */
async function checkInteractivity(stack: StackInfo, clients: AwsClients, record: (check: Check) => void) {
  const url = stack.outputs[ACTIONS_OUTPUTS.interactivityUrl] as string;
  const body = new URLSearchParams({ payload: JSON.stringify({ type: PING_TYPE }) }).toString();
  const post = async (headers: Record<string, string>) => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
        signal: AbortSignal.timeout(ENDPOINT_TIMEOUT_MS),
      });
      return response.status;
    } catch {
      return 0;
    }
  };
  const unsigned = await post({});
  record({
    ok: unsigned === 401,
    title: 'Slack actions endpoint refuses an unsigned request (401)',
    ...(unsigned === 401
      ? {}
      : {
          detail:
            unsigned === 0
              ? `${url} did not answer within 3 s: check the function's logs, then redeploy`
              : `it answered ${unsigned}: the endpoint must check Slack signatures; ${stack.redeploy}`,
        }),
  });
  const secretArn = stack.outputs[ACTIONS_OUTPUTS.signingSecretArn];
  if (!secretArn) return;
  const { SecretString: secret = '' } = await clients.secretsManager.send(
    new GetSecretValueCommand({ SecretId: secretArn })
  );
  if (!/^[0-9a-f]{16,128}$/.test(secret)) {
    record({
      ok: false,
      title: 'Slack signing secret is stored',
      detail: `the secret still holds the placeholder the stack created: run sfn-slack setup ${stack.flag} --signing-secret`,
    });
    return;
  }
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signed = await post({
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': signSlackRequest(secret, timestamp, body),
  });
  record({
    ok: signed === 200,
    title: 'Slack actions endpoint answers a signed ping',
    ...(signed === 200
      ? { detail: `Slack app interactivity request URL: ${url}` }
      : {
          detail:
            signed === 401
              ? 'refused: the function reads a different secret (it caches it up to 5 minutes after setup); wait, then run doctor again'
              : `it answered ${signed || 'nothing within 3 s'}: check the function's logs`,
        }),
  });
}

/** The test message posted by `--send-test`, shaped like a real delivery. */
export function testDelivery(env: string, at: Date, channel?: string): DeliveryMessage {
  const text = `:test_tube: sfn-slack test message for environment ${env}: the pipeline can post here.`;
  const blocks = [
    { type: 'header', text: { type: 'plain_text', text: `sfn-slack test (${env})`, emoji: true } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `${text}\nSent by \`sfn-slack doctor --send-test\`.` },
    },
  ];
  const target = channel ? { channel } : {};
  const deduplicationId = `doctor-test-${env}-${at.getTime()}`;
  return {
    payload: { ...target, text, blocks, unfurl_links: false },
    fallback: { ...target, text },
    executionArn: `sfn-slack-doctor:${env}`,
    status: 'TEST',
    deduplicationId,
  };
}

/**
 * The delivery state machine's input as the Pipe gives it: an array with one SQS record whose body is the
 * DeliveryMessage JSON. The test goes through the same path as a real notification, minus the queue.
 */
export function pipeBatch(message: DeliveryMessage, queueArn: string | undefined, at: Date): unknown[] {
  const region = parseArn(queueArn)?.region ?? '';
  return [
    {
      messageId: `sfn-slack-doctor-${at.getTime()}`,
      body: JSON.stringify(message),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(at.getTime()),
        MessageGroupId: 'sfn-slack-doctor',
        MessageDeduplicationId: message.deduplicationId,
      },
      messageAttributes: {},
      eventSource: 'aws:sqs',
      ...(queueArn ? { eventSourceARN: queueArn, awsRegion: region } : {}),
    },
  ];
}

async function sendTest(
  stack: StackInfo,
  options: DoctorOptions,
  clients: AwsClients,
  record: (check: Check) => void
) {
  const deliveryArn = stack.outputs.DeliveryStateMachineArn;
  if (!deliveryArn) return;
  const channelMode = Boolean(stack.outputs.BotTokenSecretArn);
  // A stack that exports its configured channel (output SlackChannel) needs no --channel.
  const channel = options.channel ?? stack.outputs.SlackChannel;
  if (channelMode && !channel) {
    record({
      ok: false,
      title: 'Test message posted',
      detail: `chat.postMessage needs a channel: pass --channel <id or #name> with --send-test, or ${stack.redeploy} so the stack has the SlackChannel output`,
    });
    return;
  }
  const now = new Date();
  const message = testDelivery(stack.env, now, channelMode ? channel : undefined);
  const result = await clients.sfn.send(
    new StartSyncExecutionCommand({
      stateMachineArn: deliveryArn,
      input: JSON.stringify(pipeBatch(message, stack.outputs.QueueArn, now)),
    })
  );
  // A permanent Slack error (or a channel the stack does not post to) ends the delivery in the dead-letter queue:
  // the execution succeeds, its output says so.
  const output = parseOutput(result.output);
  const deadLettered = output.outcome === 'dead-lettered';
  const ok = result.status === 'SUCCEEDED' && !deadLettered;
  record({
    ok,
    title: 'Test message posted',
    ...(ok
      ? {}
      : {
          detail: deadLettered
            ? `delivery dead-lettered: ${output.error ?? 'unknown'} (${output.reason ?? ''}); check the connection and the channel, then retry`
            : `delivery ${result.status}${result.error ? `: ${result.error}` : ''}${result.cause ? ` (${result.cause.slice(0, 300)})` : ''}; check the connection and the channel, then retry`,
        }),
  });
}

/** The delivery execution's output fields doctor reads; anything unreadable is empty. */
function parseOutput(text: string | undefined): { outcome?: string; error?: string; reason?: string } {
  try {
    const value = JSON.parse(text ?? '{}') as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function capitalized(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}
