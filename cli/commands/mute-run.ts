/**
 * `sfn-slack mute`, `unmute` and `mutes`: hold a noisy state machine's notifications for a while, through its
 * `sfn-slack:mute-until` tag (contract/routes.ts TAG_KEYS), the tag the Mute buttons set too. The notifier reads
 * the tag (the environment has `"mute": true`, or a Mute button), counts what it holds in the message store, and posts one summary per destination when the
 * mute ends. Nothing is dropped: every held notification is counted, and the count is posted.
 */
import {
  ListStateMachinesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sfn';
import { stateMachineNameOf } from '../../contract/arns.js';
import { explainRoutes, TAG_KEYS } from '../../contract/routes.js';
import type { AwsClients } from '../aws/clients.js';
import { aws } from '../aws/errors.js';
import type { Io } from '../aws/io.js';
import { type EnvOptions, resolveTarget } from '../aws/options.js';
import { type Routing, readRouting } from '../aws/routing.js';
import { CliError, ExitCode } from '../errors.js';

/** The longest mute: the notifier holding the first notification runs at most 8 days (its TimeoutSeconds). */
export const MAX_MUTE_MS = 7 * 24 * 3600_000;

export interface MuteOptions extends EnvOptions {
  readonly for?: string;
  readonly cdkJson?: string;
}

/** `90m`, `2h`, `1d`, `1h30m` → milliseconds; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/.exec(text.trim());
  if (!match || text.trim() === '') return undefined;
  const [, d, h, m] = match;
  const ms = (Number(d ?? 0) * 24 * 60 + Number(h ?? 0) * 60 + Number(m ?? 0)) * 60_000;
  return ms > 0 ? ms : undefined;
}

async function muteConfig(options: MuteOptions, clients: AwsClients): Promise<Routing> {
  const config = await readRouting(resolveTarget(options), async () => clients, options.cdkJson);
  if (!config.mutable) {
    throw new CliError(
      `environment ${config.name} does not read the mute tag: set "mute": true for it in cdk.json (a SlackNotifier: the mute prop), or let somebody use the Mute button (actions.mute), and deploy, then mute`,
      ExitCode.badInput
    );
  }
  return config;
}

/** The machine's ARN, checked to be one the environment watches. */
function watchedArn(config: Routing, nameOrArn: string): string {
  let arn = nameOrArn;
  if (!nameOrArn.startsWith('arn:')) {
    if (config.account === undefined || config.region === undefined) {
      throw new CliError(
        `environment ${config.name} has no account and region in ${config.source}: pass the state machine's ARN instead of its name`,
        ExitCode.badInput
      );
    }
    arn = `arn:aws:states:${config.region}:${config.account}:stateMachine:${nameOrArn}`;
  }
  if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/.test(arn)) {
    throw new CliError(`${nameOrArn} is not a state machine name or ARN`, ExitCode.badInput);
  }
  if (!watched(config, arn)) {
    throw new CliError(
      `${arn} is not watched by any route of ${config.name}: muting it would change nothing`,
      ExitCode.badInput
    );
  }
  return arn;
}

function watched(config: Pick<Routing, 'routes'>, arn: string): boolean {
  // Whatever the status or tags: does some route name this machine?
  return config.routes.some((route) => {
    const m = route.match;
    const name = stateMachineNameOf(arn) ?? '';
    return m.stateMachineArns.includes(arn) || m.stateMachineNamePrefixes.some((p) => name.startsWith(p));
  });
}

export async function runMute(
  machine: string,
  options: MuteOptions,
  io: Io,
  clients: AwsClients
): Promise<void> {
  const config = await muteConfig(options, clients);
  const ms = parseDuration(options.for ?? '');
  if (ms === undefined)
    throw new CliError(`--for ${options.for ?? ''}: use a duration like 30m, 2h or 1d`, ExitCode.badInput);
  if (ms > MAX_MUTE_MS)
    throw new CliError(
      `--for ${options.for}: at most 7d (the notifier holds a mute's first notification at most 8 days)`,
      ExitCode.badInput
    );
  const arn = watchedArn(config, machine);
  const until = new Date(io.now().getTime() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  await aws(`tag ${arn}`, () =>
    clients.sfn.send(
      new TagResourceCommand({ resourceArn: arn, tags: [{ key: TAG_KEYS.muteUntil, value: until }] })
    )
  );
  io.stdout.write(
    `muted ${stateMachineNameOf(arn)} until ${until}: its notifications are held and counted, then summed up in one message per channel\n`
  );
}

export async function runUnmute(
  machine: string,
  options: MuteOptions,
  io: Io,
  clients: AwsClients
): Promise<void> {
  const config = await muteConfig(options, clients);
  const arn = watchedArn(config, machine);
  await aws(`untag ${arn}`, () =>
    clients.sfn.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: [TAG_KEYS.muteUntil] }))
  );
  io.stdout.write(
    `unmuted ${stateMachineNameOf(arn)}: the summary of what was held goes out within 15 minutes\n`
  );
}

export async function runMutes(options: MuteOptions, io: Io, clients: AwsClients): Promise<void> {
  const config = await muteConfig(options, clients);
  const machines: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await aws('list the state machines', () =>
      clients.sfn.send(new ListStateMachinesCommand({ ...(nextToken ? { nextToken } : {}) }))
    );
    for (const m of page.stateMachines ?? [])
      if (m.stateMachineArn && watched(config, m.stateMachineArn)) machines.push(m.stateMachineArn);
    nextToken = page.nextToken;
  } while (nextToken);
  const now = io.now().getTime();
  let count = 0;
  for (const arn of machines) {
    const { tags } = await aws(`read the tags of ${arn}`, () =>
      clients.sfn.send(new ListTagsForResourceCommand({ resourceArn: arn }))
    );
    const value = (key: string) => tags?.find((t) => t.key === key)?.value;
    const until = value(TAG_KEYS.muteUntil);
    if (until === undefined || !(Date.parse(until) > now)) continue;
    count += 1;
    const routes = explainRoutes(config.routes, { stateMachineArn: arn, status: 'FAILED' });
    io.stdout.write(
      `${stateMachineNameOf(arn)} muted until ${until} (routes: ${
        routes
          .filter((r) => r.matches)
          .map((r) => r.route.name)
          .join(', ') || 'none for FAILED'
      })\n`
    );
  }
  if (count === 0) io.stdout.write(`no state machine of ${config.name} is muted\n`);
}
