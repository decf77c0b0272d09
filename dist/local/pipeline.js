/**
 * The whole notifier, locally: an EventBridge status-change event runs `statemachines/notifier.asl.json`
 * (history → formatter → FIFO queue), and the local Pipe runs `statemachines/deliver.asl.json` (or
 * `deliver-webhook.asl.json`) for each queued message, posting to the local Slack server or, when asked, to real
 * Slack. The definitions run as written; only their `${Placeholders}` are filled with local values.
 *
 * Stand-ins: getExecutionHistory → a history source; lambda:invoke → the formatter handler in process;
 * sqs:sendMessage → the local FIFO queue; the Pipe → `LocalPipe`; http:invoke → a real HTTP request with the
 * connection's credential injected; ssm:getParameter → the webhook URL.
 *
 * Defaults as deployed (infra/constructs/slack-notifier.ts): maxReceiveCount 5, visibility timeout 6 minutes;
 * and a virtual clock, so retries and visibility timeouts cost no real time.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonStringSubstitution } from '../infra/json-string-substitution.js';
import { runStateMachine, substitute, VirtualClock, } from './asl/index.js';
import { clockTime, formatSeconds, LocalPipe, } from './pipe.js';
import { FifoQueue } from './queue/index.js';
import { startSlackServer } from './slack-server/index.js';
import { renderReceivedPage } from './slack-server/page.js';
import { getExecutionHistoryHandler } from './stand-ins/history.js';
import { httpInvokeHandler } from './stand-ins/http-invoke.js';
import { lambdaInvokeHandler } from './stand-ins/lambda.js';
import { serveHistoryToSdk, setServedHistory } from './stand-ins/sfn-endpoint.js';
import { sqsSendMessageHandler } from './stand-ins/sqs.js';
import { ssmGetParameterHandler } from './stand-ins/ssm.js';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const machinesDir = path.join(repoRoot, 'statemachines');
const region = 'us-east-1';
const account = '000000000000';
const connectionArn = `arn:aws:events:${region}:${account}:connection/sfn-slack-local/00000000-0000-0000-0000-000000000000`;
const formatterArn = `arn:aws:lambda:${region}:${account}:function:sfn-slack-formatter-local`;
const webhookParameterName = '/local/SLACK_URL';
export const resources = {
    history: 'arn:aws:states:::aws-sdk:sfn:getExecutionHistory',
    lambda: 'arn:aws:states:::lambda:invoke',
    sqs: 'arn:aws:states:::sqs:sendMessage',
    http: 'arn:aws:states:::http:invoke',
    ssm: 'arn:aws:states:::aws-sdk:ssm:getParameter',
};
/** A setting no substitution can carry safely (`${`, or a whole `{% … %}` the machine would evaluate). */
export class InvalidSettingError extends Error {
    name = 'InvalidSettingError';
}
/**
 * Fills a definition's placeholders the way the deployed stack does (infra/json-string-substitution.ts): each
 * value lands inside a JSON string, so it is JSON-escaped and arrives unchanged, quotes and backslashes included.
 */
function readMachine(file, values) {
    const text = readFileSync(path.join(machinesDir, file), 'utf8');
    const used = new Set([...text.matchAll(/\$\{([^{}]+)\}/g)].map((m) => m[1]));
    const subs = {};
    for (const [name, value] of Object.entries(values)) {
        if (!used.has(name))
            continue;
        try {
            subs[name] = jsonStringSubstitution(name, value);
        }
        catch (error) {
            throw new InvalidSettingError(error.message);
        }
    }
    return substitute(text, subs);
}
export class LocalPipeline {
    options;
    slack;
    ownsServer;
    releaseSdkHistory;
    queue;
    deadLetterQueue;
    clock;
    pipe;
    /** Results of every delivery execution, oldest first. */
    deliveries = [];
    notifierDefinition;
    deliverDefinition;
    notifierResources;
    deliverResources;
    constructor(options, 
    /** The local Slack server, when delivering locally. */
    slack, ownsServer, releaseSdkHistory) {
        this.options = options;
        this.slack = slack;
        this.ownsServer = ownsServer;
        this.releaseSdkHistory = releaseSdkHistory;
        const log = options.log;
        this.clock = options.clock ?? new VirtualClock(Date.now());
        this.deadLetterQueue = new FifoQueue({
            name: 'sfn-slack-local-dlq.fifo',
            clock: this.clock,
            region,
            accountId: account,
        });
        this.queue = new FifoQueue({
            name: 'sfn-slack-local.fifo',
            clock: this.clock,
            region,
            accountId: account,
            visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 360,
            redrivePolicy: { deadLetterQueue: this.deadLetterQueue, maxReceiveCount: options.maxReceiveCount ?? 5 },
        });
        const target = options.slack ?? { kind: 'local' };
        const webhookMode = target.kind === 'webhook' || (target.kind === 'local' && target.webhook === true);
        const channel = options.channel ?? (target.kind === 'bot' ? target.channel : '#alerts');
        let connection = { type: 'NONE' };
        let endpoints = {};
        const parameters = {};
        if (target.kind === 'local' && slack) {
            endpoints = { 'https://slack.com': slack.url, 'https://hooks.slack.com': slack.url };
            if (webhookMode) {
                // The local hook URL as it would be in SSM: on hooks.slack.com, which the http stand-in maps back.
                parameters[webhookParameterName] =
                    `https://hooks.slack.com${new URL(slack.addWebhook(channel)).pathname}`;
            }
            else
                connection = { type: 'API_KEY', key: 'Authorization', value: `Bearer ${slack.token}` };
        }
        else if (target.kind === 'bot') {
            connection = { type: 'API_KEY', key: 'Authorization', value: `Bearer ${target.token}` };
            endpoints = { ...options.slackEndpoints };
        }
        else if (target.kind === 'webhook') {
            parameters[webhookParameterName] = target.url;
            endpoints = { ...options.slackEndpoints };
        }
        const settings = {
            ConnectionArn: connectionArn,
            WebhookParameterName: webhookParameterName,
            FormatterFunctionArn: formatterArn,
            Environment: options.environment ?? 'local',
            Template: options.template ?? 'detailed',
            DestinationType: webhookMode ? 'webhook' : 'channel',
            SlackChannel: webhookMode ? '' : channel,
            MentionOnFailure: options.mentionOnFailure ?? '',
            QueueUrl: this.queue.url,
        };
        this.notifierDefinition = readMachine('notifier.asl.json', settings);
        this.deliverDefinition = readMachine(webhookMode ? 'deliver-webhook.asl.json' : 'deliver.asl.json', settings);
        this.notifierResources = {
            [resources.history]: getExecutionHistoryHandler(options.history),
            [resources.lambda]: lambdaInvokeHandler({
                [formatterArn]: options.formatter,
            }),
            [resources.sqs]: sqsSendMessageHandler([this.queue]),
        };
        this.deliverResources = {
            [resources.http]: httpInvokeHandler({
                connections: { [connectionArn]: connection },
                endpoints,
                ...(options.httpTimeoutMs !== undefined ? { timeoutMs: options.httpTimeoutMs } : {}),
                ...(log ? { log } : {}),
            }),
            [resources.ssm]: ssmGetParameterHandler(parameters, region),
        };
        this.pipe = new LocalPipe({
            queue: this.queue,
            clock: this.clock,
            region,
            target: (records) => this.runDelivery(records),
            ...(log ? { log } : {}),
        });
    }
    /** Builds the pipeline; starts a local Slack server first unless one is given or Slack is real. */
    static async create(options) {
        const release = options.sdkHistory === 'aws' ? undefined : await serveHistoryToSdk(options.history);
        const target = options.slack ?? { kind: 'local' };
        let server;
        try {
            if (target.kind !== 'local')
                return new LocalPipeline(options, undefined, false, release);
            if (target.server)
                return new LocalPipeline(options, target.server, false, release);
            const clock = options.clock ?? new VirtualClock(Date.now());
            const channel = (options.channel ?? '#alerts').replace(/^#/, '');
            server = await startSlackServer({
                clock,
                channels: [{ id: 'C0LOCAL001', name: channel }],
                renderPage: renderReceivedPage,
            });
            return new LocalPipeline({ ...options, clock }, server, true, release);
        }
        catch (error) {
            // A definition that cannot be filled, an unknown webhook channel: leave nothing listening.
            await server?.close();
            await release?.();
            throw error;
        }
    }
    /** Runs the notifier state machine for one EventBridge event (what the rule's target does). */
    async notify(event) {
        if (this.releaseSdkHistory)
            setServedHistory(this.options.history);
        const name = randomUUID();
        const result = await runStateMachine(this.notifierDefinition, event, {
            resources: this.notifierResources,
            clock: this.clock,
            stateMachineArn: `arn:aws:states:${region}:${account}:stateMachine:sfn-slack-notifier-local`,
            executionArn: `arn:aws:states:${region}:${account}:execution:sfn-slack-notifier-local:${name}`,
            name,
            ...(this.options.random ? { random: this.options.random } : {}),
            ...this.retryProgress('notifier'),
        });
        this.options.log?.(`notifier ${event.detail.status} ${event.detail.name ?? event.detail.executionArn}: ${result.status}${result.error ? ` (${result.error})` : ''}`);
        return result;
    }
    async runDelivery(records) {
        const name = randomUUID();
        const result = await runStateMachine(this.deliverDefinition, records, {
            resources: this.deliverResources,
            clock: this.clock,
            stateMachineArn: `arn:aws:states:${region}:${account}:stateMachine:sfn-slack-deliver-local`,
            executionArn: `arn:aws:states:${region}:${account}:express:sfn-slack-deliver-local:${name}:${name}`,
            name,
            ...(this.options.random ? { random: this.options.random } : {}),
            ...this.retryProgress('delivery'),
        });
        this.deliveries.push({ records, result });
        return {
            status: result.status,
            ...(result.output !== undefined ? { output: result.output } : {}),
            ...(result.error !== undefined ? { error: result.error } : {}),
            ...(result.cause !== undefined ? { cause: result.cause } : {}),
        };
    }
    /** A progress line for each retry inside an execution: what failed, which retry, when the next attempt is. */
    retryProgress(machine) {
        const log = this.options.log;
        if (!log)
            return {};
        return {
            onRetry: (r) => log(`${machine}: ${r.stateName} failed with ${r.error}; retry ${r.attempt} of ${r.maxAttempts} in ${formatSeconds(r.delayMs)} (at ${clockTime(this.clock.now() + r.delayMs)})`),
        };
    }
    /**
     * Lets the Pipe deliver everything in the queue (retrying failures until they succeed or reach the DLQ; with
     * `stopAtFirstFailure`, only until the first failed delivery).
     */
    deliver() {
        return this.pipe.drain(1000, { stopOnFailure: this.options.stopAtFirstFailure ?? false });
    }
    /** notify + deliver. */
    async run(event) {
        const notifier = await this.notify(event);
        const delivery = await this.deliver();
        return { notifier, delivery };
    }
    /** Moves the DLQ's messages back to the queue (StartMessageMoveTask) and delivers them. */
    async redriveDeadLetters() {
        const moved = this.deadLetterQueue.startMessageMoveTask();
        this.options.log?.(`dlq: moved ${moved} message(s) back to the queue`);
        return { moved, delivery: await this.deliver() };
    }
    async close() {
        await this.releaseSdkHistory?.();
        if (this.ownsServer)
            await this.slack?.close();
    }
}
