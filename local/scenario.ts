/**
 * Scenarios: a run's whole lifecycle on the local pipeline and its virtual clock (`sfn-slack start --scenario`).
 *
 * A scenario is JSON, either an array of steps or `{"environment": {…cdk.json environments.<name> keys…},
 * "steps": [...]}`. Steps run in order; `at` is seconds from the start:
 * - `{"at": 0, "event": <path or object>, "history": <path or object>, "tags"?: {...}}`: a status-change event
 *   (routed by the environment's routes, as deployed; `tags` are the state machine's from then on), and the history
 *   the notifier reads from then on for that execution;
 * - `{"at": 600, "duplicate": 0}`: the event of step 0 again;
 * - `{"at": 60, "slack": {"fail": <a kind of local/slack-faults.ts>, "method"?: "chat.update", "count"?: N,
 *   "seconds"?: S}}`: the local Slack server's next N matching requests, or those of the next S seconds (whichever
 *   ends first), fail that way;
 * - `{"at": 900, "replayDeadLetters": true}`: what `sfn-slack replay` does;
 * - `{"at": 1200, "click": {"action": "redrive" | "stop" | "mute", "user": "U0ALICE", "message": 0}}`: a user clicks
 *   that button on the n-th parent message of the report (optional `"for": 3600 | 86400` for mute, and
 *   `"signature": "bad" | "stale" | "none"` for the refusals); needs `actions` in the environment.
 * - `{"at": 3600, "sfn": {"fail": "throttled" | "denied", "api": "ListExecutions" | "DescribeExecution"}}`: the
 *   formatter's calls to that API are refused until the next event step has been notified (the run context,
 *   issue 24, is then left out; the message still goes out).
 * - `{"at": 86400, "digest": true}`: the daily digest of each destination the environment's `digest` settings
 *   give one (statemachines/digest.asl.json on the local runner), over the 24 hours before the step.
 * - `{"at": 60, "store": {"fail": "throttled" | "internal_error" | "slow", "count": N, "seconds": S}}`: the message
 *   store (DynamoDB) refuses or delays its next N requests, or (throttled, internal_error) every request for S s;
 * - `{"at": 60, "scheduler": {"fail": "quota" | "throttled" | "access_denied", "count": N}}`: EventBridge Scheduler
 *   refuses the next N CreateSchedule calls;
 * - `{"at": 60, "formatter": {"fail": "throws" | "slow", "count": N, "seconds": S}}`: the formatter Lambda throws
 *   on its next N invocations (or all for S s), or takes S s on each of them;
 * - `{"at": 900, "advance": 172800}`: the clock jumps that many seconds (later steps' `at` count from the start plus
 *   every jump before them); schedules due on the way fire, DynamoDB TTL deletes what expired, and the queues drop
 *   messages past their retention.
 * Every event step's execution is also what ListExecutions and DescribeExecution answer from then on.
 * With `sources` in the environment (a central environment, docs/infra.md "Organization") the central bus takes
 * only events of the sources' accounts and regions, the notifier reads each execution with its account's read
 * role, and the report lists every read with the role it ran as (`sourceReads`).
 * The report is what the local Slack server holds, the dead letters, and the alarms the deployed stack would have
 * fired (docs/local.md).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ACTION_NAMES, type ActionName, MUTE_SECONDS } from '../contract/actions.js';
import { type DigestPlan, type DigestRequest, digestRequest } from '../contract/digest.js';
import type { FormatterInput, FormatterOutput, StatusChangeEvent } from '../contract/formatter.js';
import { isoDurationSeconds } from '../contract/message-store.js';
import { ruleLetsIn } from '../contract/routes.js';
import {
  ConfigError,
  type EnvironmentConfig,
  mutable,
  parseEnvironment,
  watched,
} from '../contract/settings.js';
import { forwardedFrom } from '../contract/sources.js';
import { CONTEXT_CACHE_MS, clearRunContextCache } from '../formatters/formatter/context/read.js';
import { toMs } from '../formatters/formatter/lifecycle.js';
import { type FiredAlarm, firedAlarms, pipelineObservations } from './alarms.js';
import { VirtualClock } from './asl/index.js';
import type { ClickRecord } from './interactivity.js';
import { LOCAL_REGION, LocalPipeline } from './pipeline.js';
import { localRoutes } from './routes.js';
import type { ClickSignature } from './slack-clicks.js';
import { parseSlackFault, SlackFaultError, type SlackFaultStep, slackFault } from './slack-faults.js';
import type { ConversationMessage, RequestRecord } from './slack-server/index.js';
import { renderConversationPage } from './slack-server/page.js';
import { STORE_FAILURES, type StoreFailure } from './stand-ins/dynamodb.js';
import { REFUSABLE_APIS, REFUSALS, type RefusableApi, type Refusal } from './stand-ins/executions.js';
import { FUNCTION_FAILURES, type FunctionFailure } from './stand-ins/function-faults.js';
import type { HistoryPage, HistorySource } from './stand-ins/history.js';
import { recordedHistorySource } from './stand-ins/history.js';
import { SCHEDULER_FAILURES, type SchedulerRefusal } from './stand-ins/scheduler.js';
import type { SourceRead } from './stand-ins/source-roles.js';

export { SLACK_FAILURES, type SlackFailure } from './slack-faults.js';

export type ScenarioStep =
  | {
      readonly at: number;
      readonly event: StatusChangeEvent;
      readonly history: readonly HistoryPage[];
      /** The state machine's tags at this step (routes and mute read them). @default - unchanged */
      readonly tags?: Readonly<Record<string, string>>;
    }
  | { readonly at: number; readonly duplicate: number }
  /** A Slack fault for `count` calls and/or `seconds` (local/slack-faults.ts). */
  | { readonly at: number; readonly slack: SlackFaultStep }
  | { readonly at: number; readonly replayDeadLetters: true }
  | { readonly at: number; readonly click: ScenarioClick }
  /** The formatter's next reads of that API (until the next event step is notified) are refused. */
  | { readonly at: number; readonly sfn: { readonly fail: Refusal; readonly api: RefusableApi } }
  /** The daily digest of every destination that has one, as their schedules would start it now. */
  | { readonly at: number; readonly digest: true }
  /** The message store's next requests fail (or every request for `seconds`), or are slow. */
  | { readonly at: number; readonly store: AwsFault<StoreFailure> }
  /** EventBridge Scheduler refuses the next CreateSchedule calls. */
  | { readonly at: number; readonly scheduler: { readonly fail: SchedulerRefusal; readonly count: number } }
  /** The formatter Lambda throws (next invocations, or all for `seconds`), or answers `seconds` late. */
  | { readonly at: number; readonly formatter: AwsFault<FunctionFailure> }
  /** The clock jumps this many seconds; later steps' `at` move with it. */
  | { readonly at: number; readonly advance: number };

/**
 * A fault of an AWS piece: `count` requests fail, or, with `seconds` and a failing kind, every request for that long;
 * a `slow` kind takes `seconds` on each of its `count` requests.
 */
export interface AwsFault<F extends string> {
  readonly fail: F;
  readonly count: number;
  readonly seconds?: number;
}

/** A click step: a user presses a button on a parent message. */
export interface ScenarioClick {
  readonly action: ActionName;
  readonly user: string;
  /** Index of the parent message in the report's order (channels, then messages, as posted). */
  readonly message: number;
  /** Mute only. @default 3600 */
  readonly for?: number;
  /** @default 'good' */
  readonly signature?: ClickSignature;
}

export interface Scenario {
  readonly environment: EnvironmentConfig;
  /** The environment names no state machine: every event's machine is watched. */
  readonly watchAll?: boolean;
  /** Where the scenario file is: custom template paths are relative to it. @default the working directory */
  readonly baseDir?: string;
  readonly steps: readonly ScenarioStep[];
}

/** The `--report` file. */
export interface ScenarioReport {
  /** Each channel's top-level messages (by channel ID) with their edits and thread replies. */
  readonly channels: Record<string, ConversationMessage[]>;
  /** The dead-letter queue's message bodies, parsed. */
  readonly deadLetters: unknown[];
  /** Each click step: the HTTP status the endpoint answered and the AWS calls it caused (with `actions`). */
  readonly actions?: Array<
    ClickRecord & { readonly at: number; readonly message: number; readonly ephemeral?: string }
  >;
  /** With `sources`: every read of a source execution, oldest first, with the role it ran as and IAM's answer. */
  readonly sourceReads?: SourceRead[];
  /**
   * Every Slack call the local Slack server received, in order: the Web API method (or `webhook`), the channel
   * it named, and its answer (`ok`, else the `error`: a Slack error, an HTTP status, a fault).
   */
  readonly slackCalls: SlackCall[];
  /**
   * Each alarm of the deployed stack the run would have fired, soonest first, with the first time it fires
   * (local/alarms.ts: the stack's thresholds, computed from what the pipeline saw).
   */
  readonly alarms: FiredAlarm[];
}

export interface SlackCall {
  readonly method: string;
  readonly channel?: string;
  readonly ok: boolean;
  readonly error?: string;
}

/** The Slack server's request log as the report shows it (Web API and webhook calls only). */
export function slackCalls(requests: readonly RequestRecord[]): SlackCall[] {
  const calls: SlackCall[] = [];
  for (const r of requests) {
    if (!r.path.startsWith('/api/') && !r.path.startsWith('/services/')) continue;
    // A fault that loses the answer after Slack handled the call: the caller saw no answer.
    if (r.outcome === 'fault: answer lost after handling' && calls.length > 0) {
      const last = calls.pop() as SlackCall;
      calls.push({ ...last, ok: false, error: 'answer lost (fault)' });
      continue;
    }
    const ok = r.status === 200 && r.outcome === 'ok';
    calls.push({
      method: r.path.startsWith('/api/') ? r.path.slice('/api/'.length) : 'webhook',
      ...(r.channel ? { channel: r.channel } : {}),
      ok,
      ...(ok ? {} : { error: r.status === 200 || r.status === 0 ? r.outcome : `${r.status} ${r.outcome}` }),
    });
  }
  return calls;
}

/** A scenario file that cannot run; the message names the step and the fix. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

/** A scenario's environment name (a central scenario's read roles are `sfn-slack-scenario-read-<region>`). */
export const SCENARIO_ENVIRONMENT = 'scenario';

/** The channel a scenario posts to unless its environment names one (an ID, as Slack's read methods need). */
export const SCENARIO_CHANNEL = 'C0LOCAL001';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ScenarioError(
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? `${what} ${file} was not found: check the path`
        : `${what} ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ScenarioError(`${what} ${file} is not valid JSON`);
  }
}

/** Inline JSON, or a path relative to the scenario file. */
async function inlineOrFile(value: unknown, baseDir: string, what: string): Promise<unknown> {
  return typeof value === 'string' ? readJson(path.resolve(baseDir, value), what) : value;
}

function toPages(content: unknown, where: string): HistoryPage[] {
  const isPage = (p: unknown) => isRecord(p) && (Array.isArray(p.events) || Array.isArray(p.Events));
  const page = (p: Record<string, unknown>): HistoryPage => ({
    events: (p.events ?? p.Events) as Record<string, unknown>[],
  });
  if (isPage(content)) return [page(content as Record<string, unknown>)];
  if (Array.isArray(content) && content.every(isPage))
    return content.map((p) => page(p as Record<string, unknown>));
  if (Array.isArray(content) && content.every(isRecord))
    return [{ events: content as Record<string, unknown>[] }];
  throw new ScenarioError(
    `${where}.history is not a GetExecutionHistory output ({"events": [...]}, pages, or events)`
  );
}

function toEvent(content: unknown, where: string): StatusChangeEvent {
  const detail = isRecord(content) ? content.detail : undefined;
  if (!isRecord(detail) || typeof detail.executionArn !== 'string' || typeof detail.status !== 'string') {
    throw new ScenarioError(
      `${where}.event is not a "Step Functions Execution Status Change" event (detail.executionArn and detail.status are required)`
    );
  }
  return content as unknown as StatusChangeEvent;
}

/** Reads and checks a scenario; paths inside it are relative to `baseDir`. */
export async function parseScenario(raw: unknown, baseDir: string): Promise<Scenario> {
  const rawSteps = Array.isArray(raw) ? raw : isRecord(raw) ? raw.steps : undefined;
  if (!Array.isArray(rawSteps) || rawSteps.length === 0) {
    throw new ScenarioError(
      'the scenario must be a list of steps, or {"environment": {...}, "steps": [...]}'
    );
  }
  const env = isRecord(raw) && isRecord(raw.environment) ? raw.environment : {};
  const watchAll =
    env.routes === undefined &&
    env.stateMachineArns === undefined &&
    env.stateMachineNamePrefixes === undefined;
  const withDefaults = {
    // Validation wants something watched; with watchAll the rule below matches every machine instead.
    ...(watchAll ? { stateMachineNamePrefixes: ['any'] } : {}),
    destination: { type: 'channel', channel: SCENARIO_CHANNEL },
    ...env,
  };
  let environment: EnvironmentConfig;
  try {
    environment = parseEnvironment('scenario', withDefaults);
  } catch (error) {
    if (error instanceof ConfigError)
      throw new ScenarioError(
        error.message.replace('cdk.json context environments.scenario', 'the scenario environment')
      );
    throw error;
  }
  if (environment.sources && environment.region !== LOCAL_REGION) {
    throw new ScenarioError(
      `the scenario environment's region is ${environment.region}; the local pipeline runs the central notifier in ${LOCAL_REGION}: set "region": "${LOCAL_REGION}" (source regions go in sources.regions)`
    );
  }
  const steps: ScenarioStep[] = [];
  let last = 0;
  for (const [index, step] of rawSteps.entries()) {
    const where = `step ${index}`;
    if (!isRecord(step)) throw new ScenarioError(`${where} must be an object`);
    const at = step.at;
    if (typeof at !== 'number' || !Number.isFinite(at) || at < 0) {
      throw new ScenarioError(`${where}.at must be a number of seconds from the start (0 or more)`);
    }
    if (at < last)
      throw new ScenarioError(`${where}.at is ${at}, before the step above (${last}): steps run in order`);
    last = at;
    if (step.event !== undefined) {
      if (step.history === undefined) throw new ScenarioError(`${where} has an event without its history`);
      const event = toEvent(await inlineOrFile(step.event, baseDir, `${where} event file`), where);
      const history = toPages(await inlineOrFile(step.history, baseDir, `${where} history file`), where);
      if (environment.sources && (event.account === undefined || event.region === undefined)) {
        throw new ScenarioError(
          `${where}.event has no account or region; a central environment reads them from the event's envelope (EventBridge sets them to where the event came from): add "account" and "region"`
        );
      }
      const tags = step.tags;
      if (
        tags !== undefined &&
        (!isRecord(tags) || Object.values(tags).some((value) => typeof value !== 'string'))
      ) {
        throw new ScenarioError(`${where}.tags must be an object of strings, like {"team": "data"}`);
      }
      steps.push({ at, event, history, ...(tags ? { tags: tags as Record<string, string> } : {}) });
    } else if (step.duplicate !== undefined) {
      const target = rawSteps[step.duplicate as number] as Record<string, unknown> | undefined;
      if (
        !Number.isInteger(step.duplicate) ||
        (step.duplicate as number) >= index ||
        target?.event === undefined
      ) {
        throw new ScenarioError(`${where}.duplicate must be the index of an earlier event step`);
      }
      steps.push({ at, duplicate: step.duplicate as number });
    } else if (step.slack !== undefined) {
      let slack: SlackFaultStep;
      try {
        slack = parseSlackFault(step.slack, where, environment.destination.type === 'webhook');
      } catch (error) {
        if (error instanceof SlackFaultError) throw new ScenarioError(error.message);
        throw error;
      }
      steps.push({ at, slack });
    } else if (step.replayDeadLetters === true) {
      steps.push({ at, replayDeadLetters: true });
    } else if (step.click !== undefined) {
      steps.push({ at, click: parseClick(step.click, where, environment) });
    } else if (step.digest === true) {
      if (environment.digests.length === 0) {
        throw new ScenarioError(
          `${where}.digest needs "digest" in the scenario environment (or on a route), like {"at": "09:00", "timeZone": "Europe/Berlin"}`
        );
      }
      steps.push({ at, digest: true });
    } else if (step.sfn !== undefined) {
      const sfn = step.sfn as Record<string, unknown>;
      if (!isRecord(sfn) || !REFUSALS.includes(sfn.fail as Refusal)) {
        throw new ScenarioError(`${where}.sfn.fail must be one of ${REFUSALS.join(', ')}`);
      }
      if (!REFUSABLE_APIS.includes(sfn.api as RefusableApi)) {
        throw new ScenarioError(`${where}.sfn.api must be one of ${REFUSABLE_APIS.join(', ')}`);
      }
      steps.push({ at, sfn: { fail: sfn.fail as Refusal, api: sfn.api as RefusableApi } });
    } else if (step.store !== undefined) {
      steps.push({ at, store: parseAwsFault(step.store, `${where}.store`, STORE_FAILURES, 'request') });
    } else if (step.scheduler !== undefined) {
      const scheduler = step.scheduler as Record<string, unknown>;
      if (!isRecord(scheduler) || !SCHEDULER_FAILURES.includes(scheduler.fail as SchedulerRefusal)) {
        throw new ScenarioError(`${where}.scheduler.fail must be one of ${SCHEDULER_FAILURES.join(', ')}`);
      }
      const count = scheduler.count ?? 1;
      if (!Number.isInteger(count) || (count as number) < 1) {
        throw new ScenarioError(
          `${where}.scheduler.count must be a whole number of CreateSchedule calls (1 or more)`
        );
      }
      steps.push({ at, scheduler: { fail: scheduler.fail as SchedulerRefusal, count: count as number } });
    } else if (step.formatter !== undefined) {
      steps.push({
        at,
        formatter: parseAwsFault(step.formatter, `${where}.formatter`, FUNCTION_FAILURES, 'invocation'),
      });
    } else if (step.advance !== undefined) {
      if (typeof step.advance !== 'number' || !Number.isFinite(step.advance) || step.advance <= 0) {
        throw new ScenarioError(
          `${where}.advance must be a number of seconds the clock jumps (more than 0), like 172800 for two days`
        );
      }
      steps.push({ at, advance: step.advance });
    } else {
      throw new ScenarioError(
        `${where} must have one of event (+ history), duplicate, slack, replayDeadLetters, click, sfn, digest, store, scheduler, formatter, advance`
      );
    }
  }
  return { environment, watchAll, steps, baseDir };
}

/** A `store` or `formatter` fault: its kind, and `count` or `seconds` (both for `slow`: how many, how long). */
function parseAwsFault<F extends string>(
  raw: unknown,
  where: string,
  kinds: readonly F[],
  unit: string
): AwsFault<F> {
  if (!isRecord(raw) || !kinds.includes(raw.fail as F)) {
    throw new ScenarioError(`${where}.fail must be one of ${kinds.join(', ')}`);
  }
  const fail = raw.fail as F;
  const seconds = raw.seconds;
  if (seconds !== undefined && (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0)) {
    throw new ScenarioError(`${where}.seconds must be a number of seconds (more than 0)`);
  }
  if (fail === 'slow' && seconds === undefined) {
    throw new ScenarioError(`${where}.seconds is required with "slow": how long each ${unit} takes`);
  }
  const count = raw.count ?? 1;
  if (!Number.isInteger(count) || (count as number) < 1) {
    throw new ScenarioError(`${where}.count must be a whole number of ${unit}s (1 or more)`);
  }
  if (fail !== 'slow' && seconds !== undefined && raw.count !== undefined) {
    throw new ScenarioError(
      `${where} has both count and seconds: "count" fails that many ${unit}s, "seconds" every ${unit} for that long; keep one`
    );
  }
  return { fail, count: count as number, ...(seconds === undefined ? {} : { seconds: seconds as number }) };
}

function parseClick(raw: unknown, where: string, environment: EnvironmentConfig): ScenarioClick {
  if (!environment.actions) {
    throw new ScenarioError(`${where}.click needs "actions" in the scenario environment (who may do what)`);
  }
  if (!isRecord(raw)) throw new ScenarioError(`${where}.click must be an object`);
  if (!ACTION_NAMES.includes(raw.action as ActionName)) {
    throw new ScenarioError(`${where}.click.action must be one of ${ACTION_NAMES.join(', ')}`);
  }
  if (typeof raw.user !== 'string' || raw.user === '') {
    throw new ScenarioError(`${where}.click.user must be a Slack user ID like "U0ALICE"`);
  }
  if (!Number.isInteger(raw.message) || (raw.message as number) < 0) {
    throw new ScenarioError(`${where}.click.message must be the index of a parent message (0 is the first)`);
  }
  if (raw.for !== undefined && !(MUTE_SECONDS as readonly unknown[]).includes(raw.for)) {
    throw new ScenarioError(`${where}.click.for must be one of ${MUTE_SECONDS.join(', ')} (seconds)`);
  }
  if (raw.signature !== undefined && !['good', 'bad', 'stale', 'none'].includes(raw.signature as string)) {
    throw new ScenarioError(`${where}.click.signature must be "bad", "stale" or "none" (or absent)`);
  }
  return {
    action: raw.action as ActionName,
    user: raw.user,
    message: raw.message as number,
    ...(raw.for === undefined ? {} : { for: raw.for as number }),
    ...(raw.signature === undefined ? {} : { signature: raw.signature as ClickSignature }),
  };
}

/** Reads a scenario file. */
export async function readScenario(file: string): Promise<Scenario> {
  return parseScenario(await readJson(file, 'the scenario file'), path.dirname(path.resolve(file)));
}

/**
 * The rule's filter, derived from the routes as the stack derives it (contract/routes.ts ruleLetsIn); in a central
 * environment, only after the central bus took the event (contract/sources.ts forwardedFrom).
 */
function ruleMatches(scenario: Scenario, event: StatusChangeEvent): boolean {
  const { environment } = scenario;
  const origin = { account: event.account ?? '', region: event.region ?? '' };
  if (environment.sources && !forwardedFrom(environment.sources, origin)) return false;
  const machine =
    event.detail.stateMachineArn ??
    event.detail.executionArn.replace(/:execution:([^:]+):.*$/, ':stateMachine:$1');
  return ruleLetsIn(
    routesOf(scenario),
    { stateMachineArn: machine, status: event.detail.status },
    environment.runningLongerThan !== undefined
  );
}

/**
 * What a plan's schedule would send the digest machine in this scenario's environment: the routes as the pipeline
 * runs them (contract/digest.ts digestRequest), and a central environment's sources.
 */
export function scenarioDigestRequest(scenario: Scenario, plan: DigestPlan): DigestRequest {
  const environment = scenario.environment;
  return digestRequest(SCENARIO_ENVIRONMENT, plan, {
    mute: mutable(environment),
    routing: { routes: routesOf(scenario), allowedChannels: environment.allowedChannels },
    ...(environment.sources ? { sources: environment.sources } : {}),
  });
}

/** The environment's routes; with watchAll, each route takes every machine (tags and statuses still apply). */
function routesOf(scenario: Scenario) {
  const routes = localRoutes(scenario.environment, scenario.baseDir);
  if (!scenario.watchAll) return routes;
  return routes.map((r) => ({
    ...r,
    match: { ...r.match, stateMachineArns: [], stateMachineNamePrefixes: [] },
  }));
}

export interface ScenarioRun {
  readonly report: ScenarioReport;
  readonly pipeline: LocalPipeline;
  /** Events the rule did not match (status or state machine not watched). */
  readonly skipped: number;
}

export interface RunScenarioOptions {
  readonly formatter: (input: FormatterInput) => Promise<FormatterOutput>;
  readonly log?: (line: string) => void;
  /** Also log each state each execution enters (`start --verbose`). @default false */
  readonly logSteps?: boolean;
  /** Keep the pipeline open (its Slack server serves the page); the caller closes it. @default false */
  readonly keepOpen?: boolean;
}

/** What the local Slack server holds, as `--report` writes it (alarms counted from `startMs`, the run's start). */
export function scenarioReport(pipeline: LocalPipeline, startMs = pipeline.clock.now()): ScenarioReport {
  const deadLetters = pipeline.deadLetterQueue.peekBodies().map((body) => {
    try {
      return JSON.parse(body) as unknown;
    } catch {
      return body;
    }
  });
  const report: ScenarioReport = {
    channels: pipeline.slack?.conversations() ?? {},
    deadLetters,
    slackCalls: slackCalls(pipeline.slack?.requests ?? []),
    alarms: firedAlarms(pipelineObservations([pipeline]), startMs),
  };
  return report;
}

/** The watched machines of a scenario: the configured ARNs, and the machines of the events the rule matched. */
function scenarioWatched(scenario: Scenario): string[] {
  const matched = scenario.steps.flatMap((step) =>
    'event' in step && ruleMatches(scenario, step.event)
      ? [
          step.event.detail.stateMachineArn ??
            step.event.detail.executionArn.replace(/:execution:([^:]+):.*$/, ':stateMachine:$1'),
        ]
      : []
  );
  return [...new Set([...watched(scenario.environment).stateMachineArns, ...matched])];
}

/** Presses a button of the n-th parent message through the local Slack server. */
async function runClick(
  pipeline: LocalPipeline,
  click: ScenarioClick,
  at: number
): Promise<NonNullable<ScenarioReport['actions']>[number]> {
  const slack = pipeline.slack;
  const actions = pipeline.actions;
  if (!slack || !actions) throw new ScenarioError('a click needs the local Slack server in channel mode');
  const parents = Object.entries(slack.conversations()).flatMap(([channel, messages]) =>
    messages.map((m) => ({ channel, ts: m.ts }))
  );
  const target = parents[click.message];
  const signature = click.signature ?? 'good';
  const before = slack.ephemerals.length;
  const answer = target
    ? await slack.click({
        channel: target.channel,
        messageTs: target.ts,
        user: click.user,
        actionId: `sfn-slack:${click.action}${click.action === 'mute' ? `:${click.for ?? 3600}` : ''}`,
        signature,
      })
    : { status: 0, body: 'no_such_message' };
  const ephemeral = slack.ephemerals.slice(before).at(-1)?.text;
  const record = actions.record({
    action: click.action,
    user: click.user,
    signature,
    status: answer.status,
    outcome: answer.status === 0 ? answer.body : (actions.lastOutcome ?? ''),
  });
  return { at, message: click.message, ...record, ...(ephemeral ? { ephemeral } : {}) };
}

/** A fault step as the stand-ins take it: `seconds` of a failing kind is a window from `nowMs`. */
function awsFault<F extends string>(
  fault: AwsFault<F>,
  nowMs: number
): { fail: F; count: number; seconds?: number; untilMs?: number } {
  if (fault.fail !== 'slow' && fault.seconds !== undefined) {
    return { fail: fault.fail, count: fault.count, untilMs: nowMs + fault.seconds * 1000 };
  }
  return fault;
}

/** Runs the steps on a virtual clock that starts at the first event's time minus its `at`. */
export async function runScenario(scenario: Scenario, options: RunScenarioOptions): Promise<ScenarioRun> {
  const { environment } = scenario;
  const first = scenario.steps.find(
    (s): s is Extract<ScenarioStep, { event: StatusChangeEvent }> => 'event' in s
  );
  const firstMs = toMs(first?.event.time) ?? toMs(first?.event.detail.startDate) ?? Date.UTC(2026, 0, 1);
  const start = firstMs - (first?.at ?? 0) * 1000;
  const clock = new VirtualClock(start);
  const histories = new Map<string, HistorySource>();
  const history: HistorySource = async (request) => {
    const source = histories.get(request.executionArn);
    if (!source) return recordedHistorySource([{ events: [] }], request.executionArn)(request);
    return source(request);
  };
  const destination = environment.destination;
  const runningLongerThanSeconds = environment.runningLongerThan
    ? (isoDurationSeconds(environment.runningLongerThan) ?? 0)
    : 0;
  const pipeline = await LocalPipeline.create({
    history,
    formatter: options.formatter,
    clock,
    random: () => 0.5,
    environment: SCENARIO_ENVIRONMENT,
    central: environment.sources !== undefined,
    routes: routesOf(scenario),
    allowedChannels: environment.allowedChannels,
    mute: environment.mute,
    ...(destination.type === 'channel'
      ? { channel: destination.channel }
      : { channel: SCENARIO_CHANNEL, slack: { kind: 'local' as const, webhook: true } }),
    lifecycle: {
      startNotices: environment.routes.some((r) => r.statuses.includes('RUNNING')),
      replyBroadcast: environment.replyBroadcast,
      runningLongerThanSeconds,
      ...(environment.storm === undefined
        ? {}
        : {
            stormThreshold: environment.storm.threshold,
            stormWindowSeconds: environment.storm.windowSeconds,
          }),
    },
    ...(options.log ? { log: options.log } : {}),
    ...(options.logSteps ? { logSteps: true } : {}),
    ...(environment.actions && destination.type === 'channel'
      ? { actions: { policy: environment.actions.policy, watched: scenarioWatched(scenario) } }
      : {}),
  });
  let skipped = 0;
  const clicks: NonNullable<ScenarioReport['actions']> = [];
  try {
    const events: StatusChangeEvent[] = [];
    // The formatter keeps each machine's recent runs for a minute of real time; the virtual clock moves hours
    // between steps in no time, so the scenario lets the cache go whenever its clock moved past that.
    clearRunContextCache();
    let lastAt = 0;
    // Seconds every `advance` step so far moved the timeline.
    let advanced = 0;
    for (const step of scenario.steps) {
      if ('advance' in step) advanced += step.advance;
      await pipeline.advanceTo(start + (step.at + advanced) * 1000);
      if ((step.at + advanced - lastAt) * 1000 > CONTEXT_CACHE_MS) clearRunContextCache();
      lastAt = step.at + advanced;
      // DynamoDB TTL deletes what expired by now (the queues drop what outlived their retention by themselves).
      await pipeline.store.expire(pipeline.clock.now());
      if ('event' in step) {
        events.push(step.event);
        pipeline.executions.record(step.event);
        histories.set(step.event.detail.executionArn, recordedHistorySource(step.history));
        if (step.tags) {
          const machine =
            step.event.detail.stateMachineArn ??
            step.event.detail.executionArn.replace(/:execution:([^:]+):.*$/, ':stateMachine:$1');
          pipeline.tags.set(machine, { ...step.tags });
        }
        if (ruleMatches(scenario, step.event)) await pipeline.notify(step.event);
        else skipped += 1;
        pipeline.executions.clearFaults();
      } else if ('duplicate' in step) {
        const original = scenario.steps[step.duplicate];
        if (original && 'event' in original && ruleMatches(scenario, original.event)) {
          await pipeline.notify(original.event);
        }
      } else if ('slack' in step) {
        pipeline.slack?.injectFault(slackFault(step.slack, pipeline.clock.now()));
      } else if ('click' in step) {
        clicks.push(await runClick(pipeline, step.click, step.at));
      } else if ('sfn' in step) {
        pipeline.executions.refuse(step.sfn.api, step.sfn.fail);
      } else if ('store' in step) {
        pipeline.store.injectFault(awsFault(step.store, pipeline.clock.now()));
      } else if ('scheduler' in step) {
        pipeline.scheduler.refuse(step.scheduler.fail, step.scheduler.count);
      } else if ('formatter' in step) {
        pipeline.formatterFaults.inject(awsFault(step.formatter, pipeline.clock.now()));
      } else if ('advance' in step) {
        // The jump itself happened above (advanceTo): schedules fired on the way, TTL and retention applied.
      } else if ('digest' in step) {
        for (const plan of environment.digests) {
          // The routes the pipeline runs with (watching every machine: each route takes any machine).
          await pipeline.digest(scenarioDigestRequest(scenario, plan));
        }
      } else {
        await pipeline.redriveDeadLetters();
      }
      await pipeline.deliver();
    }
    // Let every schedule still pending fire (a finished run's check must stay silent).
    const lastDue = pipeline.scheduler.pending().at(-1)?.dueAt;
    if (lastDue !== undefined) await pipeline.advanceTo(lastDue);
    await pipeline.deliver();
    const report: ScenarioReport = {
      ...scenarioReport(pipeline, start),
      ...(environment.actions ? { actions: clicks } : {}),
      ...(environment.sources ? { sourceReads: [...pipeline.sourceReads] } : {}),
    };
    return { report, pipeline, skipped };
  } finally {
    if (!options.keepOpen) await pipeline.close();
  }
}

export interface ScenarioFileOptions extends RunScenarioOptions {
  /** Where to write the report JSON; `-`: not written, the caller prints it. @default - not written */
  readonly report?: string;
  /** Where to write the HTML page of the messages, their edits and threads; `-`: not written, returned as `page`. */
  readonly html: string;
}

/** Counts a reader cares about, one line each: messages, edits, replies, dead letters. */
export function summarizeReport(report: ScenarioReport): string[] {
  const lines = Object.entries(report.channels).map(([channel, messages]) => {
    const edits = messages.reduce((n, m) => n + m.edits.length, 0);
    const replies = messages.reduce((n, m) => n + m.replies.length, 0);
    return `${channel}: ${messages.length} message(s), ${edits} edit(s), ${replies} thread repl${replies === 1 ? 'y' : 'ies'}`;
  });
  if (lines.length === 0) lines.push('no message was posted');
  lines.push(`dead-letter queue: ${report.deadLetters.length} message(s)`);
  for (const alarm of report.alarms) {
    lines.push(`alarm ${alarm.name} fires at ${alarm.firesAt} (+${alarm.afterSeconds} s)`);
  }
  // A central environment: which role each source account's reads ran as.
  const byRole = new Map<string, { allowed: number; refused: number }>();
  for (const read of report.sourceReads ?? []) {
    const counts = byRole.get(read.roleArn ?? '(no role)') ?? { allowed: 0, refused: 0 };
    counts[read.allowed ? 'allowed' : 'refused'] += 1;
    byRole.set(read.roleArn ?? '(no role)', counts);
  }
  for (const [role, { allowed, refused }] of byRole) {
    lines.push(`read as ${role}: ${allowed} read(s)${refused > 0 ? `, ${refused} refused` : ''}`);
  }
  return lines;
}

/** `sfn-slack start --scenario <file> [--report <file>]`: runs the file, writes the report and the HTML page. */
export async function runScenarioFile(
  file: string,
  options: ScenarioFileOptions
): Promise<ScenarioRun & { readonly page: string }> {
  const scenario = await readScenario(file);
  const run = await runScenario(scenario, options);
  const page = renderConversationPage(run.report.channels);
  if (options.html !== '-') {
    await mkdir(path.dirname(options.html), { recursive: true });
    await writeFile(options.html, page, 'utf8');
  }
  if (options.report && options.report !== '-') {
    await mkdir(path.dirname(path.resolve(options.report)), { recursive: true });
    await writeFile(options.report, `${JSON.stringify(run.report, null, 2)}\n`, 'utf8');
  }
  return { ...run, page };
}
