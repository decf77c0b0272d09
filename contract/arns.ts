/**
 * ARNs, read one way on every side (formatter, delivery, actions, command line, settings). A Step Functions ARN
 * is `arn:{partition}:states:{region}:{account}:{type}:{machine}[:{more}]`: a state machine's (type
 * `stateMachine`; more is a version number or an alias name), a Standard execution's (type `execution`; more is
 * the execution's name) or an Express execution's (type `express`; more is its name and an id). Its last segment is the machine's name only for an unqualified state machine ARN, so nothing
 * here reads names by position from the end.
 */
export interface ArnParts {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

/** The parts of an ARN (`arn:partition:service:region:account:resource`), or undefined when it is not one. */
export function parseArn(arn: string | undefined): ArnParts | undefined {
  if (!arn) return undefined;
  const parts = arn.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) return undefined;
  const [, partition = '', service = '', region = '', account = ''] = parts;
  return { partition, service, region, account, resource: parts.slice(5).join(':') };
}

/** A Step Functions ARN's resource type, machine name and what follows it, or undefined for any other ARN. */
function stepFunctionsResource(
  arn: string | undefined
):
  | { readonly arn: ArnParts; readonly type: string; readonly machine: string; readonly rest: string[] }
  | undefined {
  const parts = parseArn(arn);
  if (parts?.service !== 'states') return undefined;
  const [type = '', machine = '', ...rest] = parts.resource.split(':');
  if (machine === '' || !['stateMachine', 'execution', 'express'].includes(type)) return undefined;
  return { arn: parts, type, machine, rest };
}

/**
 * The state machine's name, from its ARN (a version's or an alias's too) or one of its executions' ARN; undefined
 * when the text is not such an ARN.
 */
export function stateMachineNameOf(arn: string | undefined): string | undefined {
  return stepFunctionsResource(arn)?.machine;
}

/**
 * The unqualified state machine ARN (`…:stateMachine:{name}`), from a state machine, version, alias or execution
 * ARN; undefined when the text is not such an ARN.
 */
export function stateMachineArnOf(arn: string | undefined): string | undefined {
  const resource = stepFunctionsResource(arn);
  if (!resource) return undefined;
  const { partition, region, account } = resource.arn;
  return `arn:${partition}:states:${region}:${account}:stateMachine:${resource.machine}`;
}

/** The execution's name, from its ARN (a Standard or an Express one); undefined when the text is neither. */
export function executionNameOf(arn: string | undefined): string | undefined {
  const resource = stepFunctionsResource(arn);
  const length = resource?.type === 'execution' ? 1 : resource?.type === 'express' ? 2 : 0;
  const name = resource?.rest.length === length ? resource.rest[0] : undefined;
  return name === '' ? undefined : name;
}

/** True for a Standard execution's ARN: `arn:<partition>:states:<region>:<account>:execution:<machine>:<name>`. */
export function isExecutionArn(arn: string): boolean {
  return stepFunctionsResource(arn)?.type === 'execution' && executionNameOf(arn) !== undefined;
}
