/**
 * The `sources` of a central environment (cdk.json context `environments.<name>.sources`): the accounts and
 * regions whose Step Functions status changes are forwarded to the central event bus. Validated at synth, one
 * line per mistake, naming the key and the fix. Pure (no aws-cdk-lib).
 */
import { parseArn } from './arns.js';
import { ConfigError } from './errors.js';

export interface SourcesConfig {
  /** Source account IDs. @default [] (then `organizationId` must be set) */
  readonly accounts: readonly string[];
  /** The AWS Organizations ID whose accounts may forward events. @default - no organization */
  readonly organizationId?: string;
  /**
   * Organizational units the source stack is deployed to (StackSet deployment targets). The bus accepts the
   * whole organization: see docs/infra.md for why it cannot narrow to the OUs.
   * @default [] (deploy the StackSet to the accounts, or to the organization root)
   */
  readonly organizationalUnitIds: readonly string[];
  /** Regions whose default buses forward to the central bus (at least one). */
  readonly regions: readonly string[];
}

/** A 12-digit AWS account ID. */
export const ACCOUNT_ID = /^\d{12}$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const OU_ID = /^ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$/;
/** A region code: the source stack names its roles after it. */
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

const KNOWN_KEYS = ['accounts', 'organizationId', 'organizationalUnitIds', 'regions'] as const;

function list(where: string, value: unknown, pattern: RegExp, hint: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigError(`${where} must be a list of strings; ${hint}`);
  const items = value.map((item, index) => {
    if (typeof item !== 'string' || !pattern.test(item)) {
      throw new ConfigError(`${where}[${index}] is ${JSON.stringify(item)}; ${hint}`);
    }
    return item;
  });
  const duplicate = items.find((item, index) => items.indexOf(item) !== index);
  if (duplicate !== undefined) {
    throw new ConfigError(`${where} lists ${JSON.stringify(duplicate)} twice; keep one`);
  }
  return items;
}

/**
 * Validates `sources`.
 * @param where the key path for messages, e.g. `cdk.json context environments.org.sources`
 */
export function parseSources(where: string, raw: unknown): SourcesConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(
      `${where} must be an object like {"accounts": ["111122223333"], "regions": ["eu-west-1"]}`
    );
  }
  const value = raw as Record<string, unknown>;
  if (value.actions !== undefined) {
    throw new ConfigError(
      `${where}.actions is not a sources setting: the source stack creates the act role when the environment sets "actions" (who may do what); remove it`
    );
  }
  for (const key of Object.keys(value)) {
    if (!(KNOWN_KEYS as readonly string[]).includes(key)) {
      throw new ConfigError(`${where}.${key} is not a sources setting; use one of ${KNOWN_KEYS.join(', ')}`);
    }
  }
  const accounts = list(`${where}.accounts`, value.accounts, ACCOUNT_ID, 'use 12-digit AWS account IDs');
  let organizationId: string | undefined;
  if (value.organizationId !== undefined) {
    if (typeof value.organizationId !== 'string' || !ORGANIZATION_ID.test(value.organizationId)) {
      throw new ConfigError(
        `${where}.organizationId is ${JSON.stringify(value.organizationId)}; use the organization ID like "o-a1b2c3d4e5" (aws organizations describe-organization)`
      );
    }
    organizationId = value.organizationId;
  }
  const organizationalUnitIds = list(
    `${where}.organizationalUnitIds`,
    value.organizationalUnitIds,
    OU_ID,
    'use OU IDs like "ou-ab12-cdef3456"'
  );
  if (organizationalUnitIds.length > 0 && organizationId === undefined) {
    throw new ConfigError(
      `${where}.organizationalUnitIds needs ${where}.organizationId; add the ID of the organization the OUs belong to`
    );
  }
  if (accounts.length === 0 && organizationId === undefined) {
    throw new ConfigError(
      `${where} names no source; set accounts (["111122223333", ...]) and/or organizationId ("o-...")`
    );
  }
  const regions = list(`${where}.regions`, value.regions, REGION, 'use region codes like "eu-west-1"');
  if (regions.length === 0) {
    throw new ConfigError(
      `${where}.regions is missing or empty; list the source regions, e.g. ["eu-west-1"]`
    );
  }
  return {
    accounts,
    ...(organizationId === undefined ? {} : { organizationId }),
    organizationalUnitIds,
    regions,
  };
}

/** A state machine ARN's account and region (`arn:{partition}:states:{region}:{account}:stateMachine:{name}`). */
function arnParts(arn: string): { region: string; account: string } {
  const { region = '', account = '' } = parseArn(arn) ?? {};
  return { region, account };
}

/**
 * Whether an event from this account and region reaches the central bus: its region has a forwarding rule (a
 * source region) and the bus policy accepts its account (listed, or any account when an organization is set:
 * membership cannot be checked here, the bus checks it with `aws:PrincipalOrgID`).
 */
export function forwardedFrom(
  sources: SourcesConfig,
  origin: { readonly account: string; readonly region: string }
): boolean {
  return (
    sources.regions.includes(origin.region) &&
    (sources.organizationId !== undefined || sources.accounts.includes(origin.account))
  );
}

/**
 * Refuses a watched state machine ARN outside the sources: its events would never reach the central bus.
 * With an organization, any account may be a member, so only the region is checked.
 */
export function checkWatchedArnsInSources(
  where: string,
  arns: readonly string[],
  sources: SourcesConfig
): void {
  arns.forEach((arn, index) => {
    const { region, account } = arnParts(arn);
    if (!sources.regions.includes(region)) {
      throw new ConfigError(
        `${where}.stateMachineArns[${index}] is in ${region}, which is not in sources.regions; add "${region}" to sources.regions or remove the ARN`
      );
    }
    if (sources.organizationId === undefined && !sources.accounts.includes(account)) {
      throw new ConfigError(
        `${where}.stateMachineArns[${index}] is in account ${account}, which is not in sources.accounts; add it to sources.accounts or remove the ARN`
      );
    }
  });
}

// The names a central environment and its source stack agree on: the source stack names its roles with them,
// source-credentials.ts builds the task `Credentials` from them, the formatters and the act-in-region function
// build role ARNs with them.

/**
 * The formatter's environment variable holding the central environment's name: set, the formatter reads a
 * history with the execution account's read role (formatters/formatter/source-client.ts).
 */
export const CENTRAL_ENVIRONMENT_ENV = 'SFN_SLACK_CENTRAL_ENVIRONMENT';

/** The central event bus of an environment. */
export function centralBusName(environment: string): string {
  return `sfn-slack-notifier-${environment}`;
}

/** The central notifier state machine's role (a fixed name, so the source stack can trust it before deploy). */
export function notifierRoleName(environment: string): string {
  return `sfn-slack-${environment}-notifier`;
}

/** The formatter's role: it reads a history itself when a page is too large for Step Functions. */
export function formatterRoleName(environment: string): string {
  return `sfn-slack-${environment}-formatter`;
}

/**
 * The central actions machine's role (issue "actions"): one of the two principals the act roles trust, with the
 * act-in-region function's role (actInRegionRoleName).
 */
export function actionsRoleName(environment: string): string {
  return `sfn-slack-${environment}-actions`;
}

/**
 * A central environment's "act in region" function's role (formatters/act-in-region/act-in-region.ts): the other
 * principal the act roles trust, for runs outside the central region.
 */
export function actInRegionRoleName(environment: string): string {
  return `sfn-slack-${environment}-act-in-region`;
}

/**
 * The SDK calls of the actions machine that also reach a run of another source region, through the act-in-region
 * function (the SDK integrations' action names): redrive, stop, and the mute tag on the run's machine (the notifier
 * reads that tag in every region and keeps the held count centrally, docs/actions.md).
 */
export const ACTS_IN_OTHER_REGIONS = ['redriveExecution', 'stopExecution', 'tagResource'] as const;
export type ActInOtherRegion = (typeof ACTS_IN_OTHER_REGIONS)[number];

/** The actions machine's placeholder for the act-in-region function's ARN (central environments only). */
export const ACT_IN_REGION_PLACEHOLDER = 'ActInRegionFunctionArn';

/** Everything before the region in a source account's read role name. */
export function readRoleNamePrefix(environment: string): string {
  return `sfn-slack-${environment}-read-`;
}

/** The read-only role the source stack creates in each source account and region. */
export function readRoleName(environment: string, region: string): string {
  return `${readRoleNamePrefix(environment)}${region}`;
}

/** The role that may redrive and stop executions (only when actions are enabled). */
export function actionRoleName(environment: string, region: string): string {
  return `sfn-slack-${environment}-act-${region}`;
}

/** The act role an execution is redriven, stopped or its machine muted with (the actions machine's `Credentials`). */
export function actionRoleArn(
  partition: string,
  account: string,
  environment: string,
  region: string
): string {
  return `arn:${partition}:iam::${account}:role/${actionRoleName(environment, region)}`;
}

/** The read role an execution's history is read with: what the notifier's `Credentials` evaluate to. */
export function readRoleArn(partition: string, account: string, environment: string, region: string): string {
  return `arn:${partition}:iam::${account}:role/${readRoleName(environment, region)}`;
}
