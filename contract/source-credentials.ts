/**
 * A central environment's definitions: the task `Credentials` of every state that reads or acts on the watched
 * execution, and the region gates in front of them. Pure (no aws-cdk-lib): the CDK constructs and the local
 * pipeline build the same definition from it. The role names themselves are in sources.ts.
 *
 * The source stack is one template deployed to every source account and region (a StackSet), and IAM names are
 * per account, so each region's roles carry the region in their name: `sfn-slack-<env>-read-<region>`. The
 * notifier builds the role ARN of an execution from the event's `account` and `region`, which EventBridge sets
 * (a sender cannot claim another account), so a source can only ever make the notifier read its own histories.
 */
import { LAMBDA_TRANSIENT } from './aws-errors.js';
import {
  ACT_IN_REGION_PLACEHOLDER,
  ACTS_IN_OTHER_REGIONS,
  actionRoleName,
  readRoleNamePrefix,
} from './sources.js';

/** Task resources that read the watched execution in its own account (every Step Functions SDK call). */
const SOURCE_RESOURCE = /^arn:aws:states:::aws-sdk:sfn:/;

/** Which source role a state runs with: `read` (the notifier, the formatter) or `act` (the actions machine). */
export type SourceRoleKind = 'read' | 'act';

/** Everything before the region in a source role name. */
function roleNamePrefix(environment: string, kind: SourceRoleKind): string {
  return kind === 'read' ? readRoleNamePrefix(environment) : actionRoleName(environment, '');
}

/**
 * The `Credentials` of a state that calls Step Functions about the watched execution: its account's source role.
 * The notifier (`read`) builds it from the event (`account`, `region`, set by EventBridge) and the state machine's
 * own partition; the actions machine (`act`) from the execution ARN in its input (the button's, checked against
 * the watched machines first), so the role is always the one of the account and region the execution runs in.
 * The role name prefix comes from the validated environment name (letters, digits, `-`), so it cannot end the
 * JSONata string it sits in.
 */
export function sourceRoleCredentials(
  environment: string,
  kind: SourceRoleKind = 'read'
): { RoleArn: string } {
  const prefix = roleNamePrefix(environment, kind);
  if (!/^[A-Za-z0-9-]+$/.test(prefix)) {
    throw new Error(`source role prefix ${JSON.stringify(prefix)} must hold only letters, digits and "-"`);
  }
  if (kind === 'act') {
    return {
      RoleArn: `{% ( $p := $split($states.context.Execution.Input.executionArn, ':'); 'arn:' & $p[1] & ':iam::' & $p[4] & ':role/${prefix}' & $p[3] ) %}`,
    };
  }
  return {
    // `$p`, not `$partition`: a name Step Functions' own functions or variables may take is never shadowed.
    RoleArn: `{% ( $e := $states.context.Execution.Input; $p := $split($states.context.StateMachine.Id, ':')[1]; 'arn:' & $p & ':iam::' & $e.account & ':role/${prefix}' & $e.region ) %}`,
  };
}

/** Names of the Task states that call Step Functions about the watched execution. */
export function sourceReadingStates(definition: string): string[] {
  const machine = JSON.parse(definition) as { States: Record<string, { Type?: string; Resource?: unknown }> };
  return Object.entries(machine.States)
    .filter(([, state]) => state.Type === 'Task' && SOURCE_RESOURCE.test(String(state.Resource)))
    .map(([name]) => name);
}

/** The state a central notifier starts with: only an execution of its own region and account is read by FetchHistory. */
export const SOURCE_REGION_STATE = 'SourceRegion';

type States = Record<string, Record<string, unknown>>;

/**
 * A central environment's definition: every state that calls Step Functions about the watched execution runs
 * with the execution account's source role: the read role for the notifier, the action role (`act`) for the
 * actions machine (built from the execution ARN of its input). Returns the definition text (placeholders
 * untouched), indented as the file is.
 *
 * For the notifier (`read`), Step Functions' SDK integrations cannot call another region, so the machine starts
 * with a Choice (gateBySourceRegion): an execution of the notifier's own region (and of the event's account) is
 * read by FetchHistory as in a single account; any other goes straight to the formatter, which reads it in its
 * region with the same role (formatters/formatter/source-client.ts), or refuses it. For the actions machine (`act`), Redrive, Stop and Mute are gated
 * the same way, to the act-in-region function (gateActsBySourceRegion).
 */
export function withSourceCredentials(
  definition: string,
  environment: string,
  kind: SourceRoleKind = 'read',
  options: {
    /**
     * `act` only: gate Redrive, Stop and Mute by region, to the act-in-region function (a central environment with
     * source regions besides its own). @default true
     */
    readonly gateOtherRegions?: boolean;
  } = {}
): string {
  const machine = JSON.parse(definition) as { StartAt: string; States: States };
  const credentials = sourceRoleCredentials(environment, kind);
  const states = sourceReadingStates(definition);
  if (states.length === 0) throw new Error('the definition has no state that reads the execution');
  for (const name of states) {
    const state = machine.States[name] as Record<string, unknown>;
    machine.States[name] = insertAfter(state, 'Resource', 'Credentials', credentials);
  }
  if (kind === 'read') {
    gateBySourceRegion(machine, states);
  } else if (options.gateOtherRegions !== false) {
    gateActsBySourceRegion(machine, states);
  }
  return `${JSON.stringify(machine, null, 2)}\n`;
}

/**
 * Puts the SourceRegion Choice in front of the notifier's first state (FetchHistory, its only SDK read): an
 * execution of the notifier's own region whose ARN names the event's account is read there with the account's
 * read role; any other goes straight to the state after the reads (Format) with nothing read, where the formatter
 * reads an execution of another region in that region with the same role (formatters/formatter/source-client.ts), and
 * refuses one whose ARN names another account than the event's (formatters/formatter/notify.ts), reading nothing.
 */
function gateBySourceRegion(machine: { StartAt: string; States: States }, reading: readonly string[]): void {
  const first = machine.StartAt;
  if (!reading.includes(first)) {
    throw new Error(`the notifier must read the execution in ${first} before formatting`);
  }
  let after: string | undefined = first;
  while (after !== undefined && reading.includes(after)) {
    after = machine.States[after]?.Next as string | undefined;
  }
  if (after === undefined) throw new Error(`${first} must lead to a state after the reads`);
  if (machine.States[SOURCE_REGION_STATE]) {
    throw new Error(`the notifier already has a state named ${SOURCE_REGION_STATE}`);
  }
  machine.States = {
    [SOURCE_REGION_STATE]: {
      Type: 'Choice',
      Comment:
        "Central environment: Step Functions' SDK integrations call only the notifier's own region. An execution of this region and of the event's account is read by FetchHistory with that account's read role; one of another region goes to the formatter, which reads it there with the same role, and one whose ARN names another account than the event's is refused by the formatter, unread.",
      Choices: [{ Condition: OWN_REGION_AND_ACCOUNT, Next: first }],
      Default: after,
      Output: {},
    },
    ...machine.States,
  };
  machine.StartAt = SOURCE_REGION_STATE;
}

/** The Condition of a central notifier's gate: the execution ran in the notifier's region and the event's account. */
const OWN_REGION_AND_ACCOUNT = `{% ( $e := $states.context.Execution.Input; $e.region = $split($states.context.StateMachine.Id, ':')[3] and $e.account = $split($e.detail.executionArn, ':')[4] ) %}`;

/** The Condition of the actions machine's region gates: the execution in its input runs in the machine's region. */
const ACT_OWN_REGION = `{% $split($states.context.Execution.Input.executionArn, ':')[3] = $split($states.context.StateMachine.Id, ':')[3] %}`;

/** The execution ARN of the actions machine's input: the run whose account and region are acted in. */
const RUN_ACTED_ON = '{% $states.context.Execution.Input.executionArn %}';

/**
 * Puts a Choice in front of each of the actions machine's Redrive, Stop and Mute tasks (ACTS_IN_OTHER_REGIONS): a run of
 * the machine's own region goes to the SDK task as before (with the act role's `Credentials`); one of another
 * region to `<State>InRegion`, which invokes the act-in-region function with the same Arguments. The function makes
 * the call with the same act role in the run's region and answers in the SDK shape with the SDK's error names, so
 * the task keeps the SDK task's assignments, retriers, catchers and next state.
 */
function gateActsBySourceRegion(
  machine: { StartAt: string; States: States },
  acting: readonly string[]
): void {
  for (const name of acting) {
    const state = machine.States[name] as Record<string, unknown>;
    const api = String(state.Resource).split(':').pop() ?? '';
    if (!(ACTS_IN_OTHER_REGIONS as readonly string[]).includes(api)) continue;
    const [gate, task] = [`${name}Region`, `${name}InRegion`];
    for (const taken of [gate, task]) {
      if (machine.States[taken]) throw new Error(`the actions machine already has a state named ${taken}`);
    }
    if (machine.StartAt === name) machine.StartAt = gate;
    for (const other of Object.values(machine.States)) redirect(other, name, gate);
    const retry = (state.Retry ?? []) as Array<Record<string, unknown>>;
    machine.States = {
      ...machine.States,
      [gate]: {
        Type: 'Choice',
        Comment: `Central environment: the SDK integrations call only this machine's region. A run of this region: ${name} acts with the account's act role; one of another region: the act-in-region function acts there with the same role.`,
        Choices: [{ Condition: ACT_OWN_REGION, Next: name }],
        Default: task,
      },
      [task]: {
        Type: 'Task',
        Comment: `${name} for a run of another region: the act-in-region function (formatters/act-in-region/act-in-region.ts) makes the same call with the act role of the run's account and region, there, and answers as the SDK task would.`,
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: {
          FunctionName: `\${${ACT_IN_REGION_PLACEHOLDER}}`,
          // The run acted on, as the act role's `Credentials` read it: a tag names only the machine.
          Payload: { api, executionArn: RUN_ACTED_ON, arguments: state.Arguments },
        },
        TimeoutSeconds: 30,
        Output: '{% $states.result.Payload %}',
        ...(state.Assign === undefined ? {} : { Assign: state.Assign }),
        Retry: [
          ...retry,
          {
            ErrorEquals: LAMBDA_TRANSIENT,
            IntervalSeconds: 1,
            BackoffRate: 2,
            MaxAttempts: 3,
            MaxDelaySeconds: 10,
            JitterStrategy: 'FULL',
          },
        ],
        ...(state.Catch === undefined ? {} : { Catch: state.Catch }),
        ...(state.End === true ? { End: true } : { Next: state.Next }),
      },
    };
  }
}

/** Points a state's transitions (Next, Default, its Choice rules' and catchers' Next) at `to` instead of `from`. */
function redirect(state: Record<string, unknown>, from: string, to: string): void {
  if (state.Next === from) state.Next = to;
  if (state.Default === from) state.Default = to;
  for (const key of ['Choices', 'Catch']) {
    for (const rule of (state[key] ?? []) as Array<{ Next?: string }>) {
      if (rule.Next === from) rule.Next = to;
    }
  }
}

/** A copy of `object` with `key` placed right after `after`, so the console shows it next to the Resource. */
function insertAfter(
  object: Record<string, unknown>,
  after: string,
  key: string,
  value: unknown
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(object)) {
    if (k === key) continue;
    out[k] = v;
    if (k === after) out[key] = value;
  }
  return out;
}
