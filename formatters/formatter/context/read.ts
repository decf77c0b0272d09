/**
 * Reads the run context with the formatter's SFN client (the same client and credentials as the history:
 * formatters/formatter/source-client.ts for a source account). Optional by design: bounded in calls (ListExecutions once,
 * and for a failing run the last events of the latest earlier failure, DescribeExecution only when those do not
 * name its error) and in time (one budget for all of them); any error, throttle or timeout gives `undefined`,
 * logged once, and the message goes out without it.
 *
 * In a warm Lambda the machine's list is kept for a short time (and a failed read too, so a storm does not
 * retry it), and each run notified meanwhile is added to it: a storm reads once per machine, not once per
 * execution, and its streak still counts every run it notified.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import { toMs } from '../lifecycle.js';
import { computeRunContext, latestEarlierFailure } from './compute.js';
import type { CurrentRun, EarlierFailure, RunContext, RunRecord } from './types.js';

/** Executions listed per machine (one ListExecutions page): 20 successes for the median, and the streak. */
export const LIST_PAGE_SIZE = 100;
/** Events read from the end of the earlier failure's history to find the state it failed in. */
export const TAIL_EVENTS = 20;
/** The whole read may take this long before the message goes out without it. */
export const CONTEXT_BUDGET_MS = 2_000;
/** How long a machine's list (or a failed read of it) is kept in the warm Lambda. */
export const CONTEXT_CACHE_MS = 60_000;
/** Machines and failures kept in the cache at most (the oldest entry goes first). */
const CACHE_ENTRIES = 200;

export interface RunContextRequest {
  readonly stateMachineArn: string;
  readonly executionArn: string;
  readonly status: string;
  /** Epoch ms, or an ISO string, as the event carries it. */
  readonly startDate?: number | string | null;
  readonly stopDate?: number | string | null;
  /** The run's error (the summary's), for "same error as before". */
  readonly error?: string;
  /** The state it failed in (the summary's `failedState`). */
  readonly failedState?: string;
}

export interface RunContextOptions {
  /** @default CONTEXT_BUDGET_MS */
  readonly budgetMs?: number;
  /** @default CONTEXT_CACHE_MS */
  readonly cacheMs?: number;
  /** Told once per failed read (error name only), never on a cache hit. @default - silent */
  readonly onError?: (error: string) => void;
  /** @default Date.now */
  readonly now?: () => number;
}

interface MachineEntry {
  readonly at: number;
  /** Undefined: the read failed; nothing is asked again until the entry expires. */
  readonly runs?: RunRecord[];
  readonly complete: boolean;
}

const machines = new Map<string, MachineEntry>();
/** An ended execution's failure does not change: kept as long as there is room. */
const failures = new Map<string, EarlierFailure | null>();

/** Forgets every cached list and failure (tests, and the bench's cold reads). */
export function clearRunContextCache(): void {
  machines.clear();
  failures.clear();
}

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > CACHE_ENTRIES) map.delete(map.keys().next().value as K);
}

class BudgetExceeded extends Error {
  override readonly name = 'TimeoutError';
}

/** Runs `work` within what is left of the budget; its calls get the abort signal. */
async function within<T>(deadline: number, now: () => number, work: (signal: AbortSignal) => Promise<T>) {
  const left = deadline - now();
  if (left <= 0) throw new BudgetExceeded('run context budget spent');
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new BudgetExceeded('run context budget spent'));
    }, left);
  });
  try {
    return await Promise.race([work(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function listRuns(client: SFNClient, stateMachineArn: string, signal: AbortSignal) {
  const { ListExecutionsCommand } = await import('@aws-sdk/client-sfn');
  const out = await client.send(new ListExecutionsCommand({ stateMachineArn, maxResults: LIST_PAGE_SIZE }), {
    abortSignal: signal,
  });
  const runs: RunRecord[] = (out.executions ?? []).flatMap((e) => {
    if (!e.executionArn || !e.status) return [];
    const startMs = toMs(e.startDate instanceof Date ? e.startDate.getTime() : e.startDate);
    const stopMs = toMs(e.stopDate instanceof Date ? e.stopDate.getTime() : e.stopDate);
    return [
      {
        executionArn: e.executionArn,
        status: e.status,
        ...(startMs === undefined ? {} : { startMs }),
        ...(stopMs === undefined ? {} : { stopMs }),
      },
    ];
  });
  return { runs, complete: !out.nextToken };
}

const END_DETAILS: Readonly<Record<string, string>> = {
  ExecutionFailed: 'executionFailedEventDetails',
  ExecutionTimedOut: 'executionTimedOutEventDetails',
};

type TailEvent = {
  id?: number;
  previousEventId?: number;
  type?: string;
  stateEnteredEventDetails?: { name?: string };
} & Record<string, unknown>;

/**
 * The error and the state an execution ended in, from the last events of its history (newest first): the end
 * event names the error; the state is the nearest `…StateEntered` up its `previousEventId` chain.
 */
export function failureFromTail(events: readonly TailEvent[]): { error?: string; state?: string } {
  const end = events.find((e) => e.type !== undefined && e.type in END_DETAILS);
  if (!end) return {};
  const details = end[END_DETAILS[end.type as string] as string] as { error?: unknown } | undefined;
  const error = typeof details?.error === 'string' ? details.error : undefined;
  const byId = new Map(events.map((e) => [e.id, e]));
  let at: TailEvent | undefined = byId.get(end.previousEventId);
  let state: string | undefined;
  for (let hops = 0; at && hops < events.length; hops += 1) {
    if (at.type?.endsWith('StateEntered')) {
      state = at.stateEnteredEventDetails?.name;
      break;
    }
    at = byId.get(at.previousEventId);
  }
  return { ...(error ? { error } : {}), ...(state ? { state } : {}) };
}

async function readFailure(client: SFNClient, run: RunRecord, signal: AbortSignal): Promise<EarlierFailure> {
  const sdk = await import('@aws-sdk/client-sfn');
  const tail = await client.send(
    new sdk.GetExecutionHistoryCommand({
      executionArn: run.executionArn,
      reverseOrder: true,
      maxResults: TAIL_EVENTS,
      includeExecutionData: false,
    }),
    { abortSignal: signal }
  );
  let { error, state } = failureFromTail((tail.events ?? []) as unknown as TailEvent[]);
  if (error === undefined) {
    // The end event did not name it (a timeout without an error): DescribeExecution does.
    const described = await client.send(
      new sdk.DescribeExecutionCommand({ executionArn: run.executionArn }),
      {
        abortSignal: signal,
      }
    );
    error = described.error;
  }
  return {
    executionArn: run.executionArn,
    status: run.status,
    ...(error ? { error } : {}),
    ...(state ? { state } : {}),
    ...(run.stopMs === undefined ? {} : { stopMs: run.stopMs }),
  };
}

/**
 * The run context of one notification, or undefined (nothing to say, or it could not be read). Never throws.
 */
export async function readRunContext(
  client: SFNClient,
  request: RunContextRequest,
  options: RunContextOptions = {}
): Promise<RunContext | undefined> {
  const now = options.now ?? Date.now;
  const deadline = now() + (options.budgetMs ?? CONTEXT_BUDGET_MS);
  const startMs = toMs(request.startDate);
  const stopMs = toMs(request.stopDate);
  const current: CurrentRun = {
    executionArn: request.executionArn,
    status: request.status,
    ...(startMs === undefined ? {} : { startMs }),
    ...(stopMs === undefined || request.status === 'RUNNING' ? {} : { stopMs }),
    ...(request.error ? { error: request.error } : {}),
    ...(request.failedState ? { state: request.failedState } : {}),
  };
  const key = request.stateMachineArn;
  let entry = machines.get(key);
  if (entry && now() - entry.at > (options.cacheMs ?? CONTEXT_CACHE_MS)) entry = undefined;
  try {
    if (!entry) {
      try {
        const listed = await within(deadline, now, (signal) => listRuns(client, key, signal));
        entry = { at: now(), runs: listed.runs, complete: listed.complete };
      } catch (error) {
        remember(machines, key, { at: now(), complete: false });
        throw error;
      }
      remember(machines, key, entry);
    }
    const runs = entry.runs;
    if (!runs) return undefined;
    let failure: EarlierFailure | undefined;
    const earlier = latestEarlierFailure(current, runs);
    if (earlier && current.error) {
      const known = failures.get(earlier.executionArn);
      if (known === undefined) {
        try {
          failure = await within(deadline, now, (signal) => readFailure(client, earlier, signal));
          remember(failures, earlier.executionArn, failure);
        } catch (error) {
          // The streak and the usual still stand; only "same error" is left out.
          options.onError?.(error instanceof Error ? error.name : 'Error');
        }
      } else if (known !== null) failure = known;
    }
    const context = computeRunContext(current, runs, failure, entry.complete);
    // Later notifications of this machine within the cache's life see this run too (a storm's streak).
    if (current.startMs !== undefined && !runs.some((r) => r.executionArn === current.executionArn)) {
      runs.push({
        executionArn: current.executionArn,
        status: current.status,
        startMs: current.startMs,
        ...(current.stopMs === undefined ? {} : { stopMs: current.stopMs }),
      });
    }
    if (current.error && endedInError(current.status)) {
      // This failure becomes the latest earlier failure of the next one.
      remember(failures, current.executionArn, {
        executionArn: current.executionArn,
        status: current.status,
        error: current.error,
        ...(current.state ? { state: current.state } : {}),
        ...(current.stopMs === undefined ? {} : { stopMs: current.stopMs }),
      });
    }
    return context;
  } catch (error) {
    options.onError?.(error instanceof Error ? error.name : 'Error');
    return undefined;
  }
}

/** Failed or timed out: an end with an error another run can repeat. */
function endedInError(status: string): boolean {
  return status === 'FAILED' || status === 'TIMED_OUT';
}
