/**
 * `sfn-slack routes`: which routes of an environment take a state machine's notification, and why, by the same
 * rules the deployed notifier applies (contract/routes.ts). Reads cdk.json with `--env` (no AWS account needed), or
 * a deployed notifier's descriptor with `--stack` / `--notifier-name` (cli/aws/routing.ts).
 */
import { parseArn } from '../../contract/arns.js';
import { explainRoutes, routeDeliveries } from '../../contract/routes.js';
import { EXECUTION_STATUSES, type ExecutionStatus, isExecutionStatus } from '../../contract/statuses.js';
import type { AwsClients } from '../aws/clients.js';
import type { Io } from '../aws/io.js';
import type { NotifierTarget } from '../aws/options.js';
import { type Routing, readRouting, routingOfConfig } from '../aws/routing.js';
import { parseTags, readEnvironment, stateMachineArnOf } from '../environments.js';
import { CliError, ExitCode } from '../errors.js';

export interface RoutesOptions {
  readonly env: string;
  readonly stateMachine: string;
  /** `key=value`, repeatable: the machine's tags. @default none */
  readonly tags?: readonly string[];
  /** @default FAILED */
  readonly status?: string;
  /** @default cdk.json */
  readonly cdkJson?: string;
  /** @default 'text' */
  readonly output?: 'text' | 'json';
}

/**
 * `routes` for a target: reads its routing (cdk.json for `--env`, else the deployed notifier's descriptor, with
 * the clients `clients` makes) and prints the reasoning.
 */
export async function runRoutes(
  options: Omit<RoutesOptions, 'env'>,
  target: NotifierTarget,
  io: Io,
  clients: () => Promise<AwsClients>
): Promise<void> {
  const routing = await readRouting(target, clients, options.cdkJson);
  io.stdout.write(`${routesCommand({ ...options, env: routing.name }, routing)}\n`);
}

export function routesCommand(options: RoutesOptions, routing?: Routing): string {
  const config = routing ?? routingOfConfig(readEnvironment(options.env, options.cdkJson), options.cdkJson);
  const status = options.status ?? 'FAILED';
  if (!isExecutionStatus(status)) {
    throw new CliError(`--status ${status}: use one of ${EXECUTION_STATUSES.join(', ')}`, ExitCode.badInput);
  }
  const tags = parseTags(options.tags);
  const arn = stateMachineArnOf(options.stateMachine, config);
  const { region, account } = parseArn(arn) ?? {};
  const subject = { stateMachineArn: arn, status: status as ExecutionStatus, account, region, tags };
  const verdicts = explainRoutes(config.routes, subject, config.checksRunning === true);
  const deliveries = routeDeliveries(
    {
      environment: config.name,
      routes: config.routes,
      allowedChannels: config.allowedChannels,
      ...(config.checksRunning === undefined ? {} : { checksRunning: config.checksRunning }),
    },
    subject
  );
  if (options.output === 'json') {
    return JSON.stringify(
      {
        stateMachineArn: arn,
        status,
        tags,
        routes: verdicts.map((v) => ({
          route: v.route.name,
          matches: v.matches,
          skipped: v.skipped,
          reason: v.reason,
        })),
        deliveries,
      },
      null,
      2
    );
  }
  const lines = [`${arn} ${status}${Object.keys(tags).length ? ` (tags ${options.tags?.join(' ')})` : ''}:`];
  for (const v of verdicts)
    lines.push(`  ${v.matches ? '✓' : v.skipped ? '-' : '✗'} ${v.route.name}: ${v.reason}`);
  if (deliveries.length === 0) lines.push('no message: no route takes it');
  for (const d of deliveries) {
    const where = d.destination.type === 'channel' ? d.destination.channel : 'the webhook';
    lines.push(
      `→ ${where} (route ${d.route}, template ${d.template}${d.mentionOnFailure ? `, mention ${d.mentionOnFailure}` : ''})${
        d.refused ? `; ${d.refused}` : ''
      }`
    );
  }
  if (config.readTags && Object.keys(tags).length === 0) {
    lines.push(
      '(this environment reads tags: pass the machine’s tags with --tags key=value to see their effect)'
    );
  }
  return lines.join('\n');
}
