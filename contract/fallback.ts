/**
 * Where the notifier's event-only fallback goes (statemachines/notifier.asl.json, Fallback*): decided here at
 * synth, written into the definition as a JSON value, so routing never has to be written in JSONata. The
 * fallback runs when the formatter (which routes in TypeScript: contract/routes.ts) failed, so it cannot know
 * which routes take the machine; it sends to one destination per status: **the destination of the first route
 * (in order) whose statuses take that status**, whatever its machine, tags, account or region. A status no route
 * takes (a hand-made or unknown status) goes to the first route's destination. A failing status (FAILED,
 * TIMED_OUT, ABORTED) carries that route's mention. With one route, the usual case, a fallback goes where the
 * formatted message would have gone.
 */
import { CONSOLE_HOSTS, type ConsoleHost } from './console.js';
import { type DeployedSettings, destinationKey, type RouteDestination } from './routes.js';
import { EXECUTION_STATUSES, isFailingStatus } from './statuses.js';

/** One fallback destination: its FIFO message group, the channel pinned on the body, the failure mention. */
export interface FallbackDestination {
  readonly group: string;
  /** `{ channel }` for a channel destination, `{}` for a webhook. */
  readonly pin: { readonly channel?: string };
  readonly mention?: string;
}

/** The `${Fallback}` JSON value of the notifier definition. */
export interface FallbackSettings {
  readonly environment: string;
  /** Status -> destination; `*` for a status no route takes. */
  readonly destinations: Readonly<Record<string, FallbackDestination>>;
  readonly consoleHosts: Readonly<Record<string, ConsoleHost>>;
}

/** The key of the destination a status no route takes goes to. */
export const ANY_STATUS = '*';

function destinationOf(destination: RouteDestination, mention?: string): FallbackDestination {
  return {
    group: destinationKey(destination),
    pin: destination.type === 'channel' ? { channel: destination.channel } : {},
    ...(mention ? { mention } : {}),
  };
}

/** The fallback table for these settings (see the file comment for the rule). */
export function fallbackSettings(
  settings: Pick<DeployedSettings, 'environment' | 'routes' | 'checksRunning'>
): FallbackSettings {
  const first = settings.routes[0];
  if (!first) throw new Error('the notifier needs at least one route');
  const destinations: Record<string, FallbackDestination> = {
    [ANY_STATUS]: destinationOf(first.destination),
  };
  for (const status of EXECUTION_STATUSES) {
    const route =
      settings.routes.find((r) => r.statuses.includes(status)) ??
      // runningLongerThan: a RUNNING event reaches every route of its machine, whatever its statuses.
      (status === 'RUNNING' && settings.checksRunning ? first : undefined);
    if (!route) continue;
    const failing = isFailingStatus(status);
    destinations[status] = destinationOf(route.destination, failing ? route.mention : undefined);
  }
  return { environment: settings.environment, destinations, consoleHosts: CONSOLE_HOSTS };
}
