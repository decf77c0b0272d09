/**
 * `sfn-slack digest`: previews the daily digest of each destination of an environment (issue 24), from a local
 * scenario (what it ran) or from AWS (read only: ListStateMachines, ListExecutions, DescribeExecution,
 * ListTagsForResource). Prints each destination's message; posts nothing.
 */
import { stateMachineNameOf } from '../../contract/arns.js';
import {
  DIGEST_WINDOW_HOURS,
  type DigestPlan,
  type DigestRequest,
  destinationKey,
  digestPlans,
  digestRequest,
  digestTakes,
} from '../../contract/digest.js';
import type { FormatterOutput } from '../../contract/formatter.js';
import { TAG_KEYS } from '../../contract/routes.js';
import { type EnvironmentConfig, mutable } from '../../contract/settings.js';
import { digestWindow, renderDigest } from '../../formatters/formatter/digest/operation.js';
import { readDigestMachines } from '../../formatters/formatter/digest/read.js';
import type { DigestMachine } from '../../formatters/formatter/digest/types.js';
import { formatMessage } from '../../formatters/formatter/handler.js';
import { toMs } from '../../formatters/formatter/lifecycle.js';
import { readScenario, runScenario, ScenarioError, scenarioDigestRequest } from '../../local/scenario.js';
import { renderTerminal } from '../../preview/index.js';
import type { AwsClients } from '../aws/clients.js';
import { aws } from '../aws/errors.js';
import type { Io } from '../aws/io.js';
import type { OutputFormat } from '../convention.js';
import { readEnvironment } from '../environments.js';
import { CliError, ExitCode } from '../errors.js';
import { withLambdaLogs } from '../lambda-logs.js';

export interface DigestOptions {
  readonly env?: string;
  /** `24h`, `90m`, `7d`. @default 24h */
  readonly since?: string;
  readonly scenario?: string;
  /** @default cdk.json */
  readonly cdkJson?: string;
  readonly region?: string;
  readonly profile?: string;
  /** @default 'text' */
  readonly output?: OutputFormat;
}

/** `24h` → 24, `90m` → 1.5, `7d` → 168 (hours). */
export function sinceHours(value: string | undefined): number {
  if (value === undefined) return DIGEST_WINDOW_HOURS;
  const match = /^(\d+(?:\.\d+)?)([mhd])$/.exec(value.trim());
  const hours = match
    ? Number(match[1]) * { m: 1 / 60, h: 1, d: 24 }[match[2] as 'm' | 'h' | 'd']
    : Number.NaN;
  if (!(hours > 0) || hours > 24 * 14) {
    throw new CliError(
      `--since ${value}: use a duration in minutes, hours or days up to 14d, like 24h, 90m or 7d`,
      ExitCode.badInput
    );
  }
  return hours;
}

/** The plans to preview: the environment's digests, else one per destination of its routes (at 09:00 UTC). */
function plansOf(config: EnvironmentConfig, io: Io): DigestPlan[] {
  if (config.digests.length > 0) return [...config.digests];
  io.stderr.write(
    `environment ${config.name} has no digest (add "digest": {"at": "09:00", "timeZone": "Europe/Berlin"}); previewing one per destination anyway\n`
  );
  return digestPlans(
    config.routes,
    { at: '09:00', timeZone: 'UTC', quiet: 'line' },
    config.routes.map(() => undefined)
  );
}

interface Preview {
  readonly destination: string;
  readonly output: FormatterOutput;
}

/** The digests of a scenario: it runs (posting as usual, on the local server), then its executions are summed up. */
async function fromScenario(
  file: string,
  hours: number,
  io: Io
): Promise<{ env: string; previews: Preview[] }> {
  const scenario = await readScenario(file);
  // The in-process Lambdas' JSON log lines are for CloudWatch, not this command's output.
  const run = await withLambdaLogs(
    () => undefined,
    () => runScenario(scenario, { formatter: formatMessage })
  );
  const registry = run.pipeline.executions;
  const untilMs = run.pipeline.clock.now();
  const window = { sinceMs: untilMs - hours * 3_600_000, untilMs };
  const previews: Preview[] = [];
  for (const plan of plansOf(scenario.environment, io)) {
    const request: DigestRequest = { ...scenarioDigestRequest(scenario, plan), hours };
    // The machines the notifier's routes send news of to this destination, with the tags they carry.
    const machines: DigestMachine[] = [...new Set(registry.all().map((r) => r.stateMachineArn))]
      .filter((arn) => {
        const tags = run.pipeline.tags.get(arn);
        return digestTakes(request, { stateMachineArn: arn, tags: tags ?? {} });
      })
      .sort()
      .map((arn) => {
        const runs = registry.list(arn);
        const muted = toMs(run.pipeline.tags.get(arn)?.[TAG_KEYS.muteUntil]);
        return {
          stateMachineArn: arn,
          name: stateMachineNameOf(arn) ?? arn,
          runs,
          errors: Object.fromEntries(runs.flatMap((r) => (r.error ? [[r.executionArn, r.error]] : []))),
          ...(muted === undefined ? {} : { mutedUntilMs: muted }),
        };
      });
    const { output } = await renderDigest(request, machines, window);
    previews.push({ destination: destinationKey(plan.destination), output });
  }
  return { env: 'scenario', previews };
}

async function fromAws(options: DigestOptions, hours: number, io: Io, clients: AwsClients) {
  if (!options.env) throw new CliError('digest needs --env <name> (or --scenario <file>)', ExitCode.badInput);
  const config = readEnvironment(options.env, options.cdkJson);
  const previews: Preview[] = [];
  for (const plan of plansOf(config, io)) {
    const request: DigestRequest = {
      ...digestRequest(config.name, plan, {
        mute: mutable(config),
        routing: { routes: config.routes, allowedChannels: config.allowedChannels },
      }),
      hours,
    };
    const window = digestWindow(request, Date.now());
    const machines = await aws('read the state machines’ executions', () =>
      readDigestMachines(clients.sfn, request, window)
    );
    const refused = machines.filter((m) => m.unreadable);
    if (machines.length > 0 && refused.length === machines.length) {
      throw new CliError(
        `could not read any state machine of ${config.name} (${refused[0]?.unreadable}): check --profile/--region and that the credentials may states:ListExecutions`,
        ExitCode.aws
      );
    }
    const { output } = await renderDigest(request, machines, window);
    previews.push({ destination: destinationKey(plan.destination), output });
  }
  return { env: config.name, previews };
}

export async function digestCommand(
  options: DigestOptions,
  io: Io,
  makeClients: (options: DigestOptions) => Promise<AwsClients>
): Promise<void> {
  const hours = sinceHours(options.since);
  let result: { env: string; previews: Preview[] };
  try {
    result = options.scenario
      ? await fromScenario(options.scenario, hours, io)
      : await fromAws(options, hours, io, await makeClients(options));
  } catch (error) {
    if (error instanceof ScenarioError) throw new CliError(error.message, ExitCode.badInput);
    throw error;
  }
  if (options.output === 'json') {
    io.stdout.write(
      `${JSON.stringify(
        {
          command: 'digest',
          env: result.env,
          hours,
          digests: result.previews.map((p) =>
            p.output.kind === 'message'
              ? { destination: p.destination, message: p.output.delivery.payload }
              : {
                  destination: p.destination,
                  skipped: p.output.kind === 'skip' ? p.output.reason : p.output.kind,
                }
          ),
        },
        null,
        2
      )}\n`
    );
    return;
  }
  for (const preview of result.previews) {
    io.stdout.write(`── digest to ${preview.destination} ──\n`);
    if (preview.output.kind === 'message') io.stdout.write(renderTerminal(preview.output.delivery.payload));
    else io.stdout.write(`(no message: ${preview.output.kind === 'skip' ? preview.output.reason : ''})\n`);
  }
}
