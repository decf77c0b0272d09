/**
 * What the local account knows of its executions, for the formatter's `ListExecutions` and `DescribeExecution`
 * (the run context, formatters/formatter/context/, and the digest): every status-change event a scenario or pipeline sends
 * is recorded here as it happens, so a scenario with a week of nightly runs has a week of executions to list.
 * Answers in the API's JSON wire shape (dates in epoch seconds), newest first, as the service lists them.
 * A fault (`refuse`) makes the named API answer as a throttled or denied call until it is cleared.
 */
import { executionNameOf, parseArn, stateMachineArnOf, stateMachineNameOf } from '../../contract/arns.js';
import type { StatusChangeEvent } from '../../contract/formatter.js';
import { toMs } from '../../formatters/formatter/lifecycle.js';

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: string;
  readonly startMs?: number;
  readonly stopMs?: number;
  readonly error?: string;
  readonly cause?: string;
  readonly redriveCount?: number;
}

/** The APIs a fault can refuse, and how. */
export const REFUSABLE_APIS = ['ListExecutions', 'DescribeExecution'] as const;
export type RefusableApi = (typeof REFUSABLE_APIS)[number];
export const REFUSALS = ['throttled', 'denied'] as const;
export type Refusal = (typeof REFUSALS)[number];

/** An API error in the JSON 1.0 protocol's shape. */
export interface ApiError {
  readonly __type: string;
  readonly message: string;
}

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1_000);

export class ExecutionRegistry {
  private readonly runs = new Map<string, ExecutionRecord>();
  private readonly faults = new Map<RefusableApi, Refusal>();
  /** Every ListExecutions / DescribeExecution call served or refused, oldest first. */
  readonly calls: Array<{ readonly api: string; readonly refused?: Refusal }> = [];

  /** Records (or updates) the execution an event speaks of. */
  record(event: StatusChangeEvent): void {
    const d = event.detail;
    const before = this.runs.get(d.executionArn);
    const startMs = toMs(d.startDate) ?? before?.startMs;
    const stopMs = d.status === 'RUNNING' ? undefined : (toMs(d.stopDate) ?? before?.stopMs);
    this.runs.set(d.executionArn, {
      executionArn: d.executionArn,
      stateMachineArn: d.stateMachineArn ?? stateMachineArnOf(d.executionArn) ?? d.executionArn,
      name: d.name ?? executionNameOf(d.executionArn) ?? '',
      status: d.status,
      ...(startMs === undefined ? {} : { startMs }),
      ...(stopMs === undefined ? {} : { stopMs }),
      ...(typeof d.error === 'string' ? { error: d.error } : {}),
      ...(typeof d.cause === 'string' ? { cause: d.cause } : {}),
      ...(typeof d.redriveCount === 'number' ? { redriveCount: d.redriveCount } : {}),
    });
  }

  /** The executions of a machine, newest first. */
  list(stateMachineArn: string): ExecutionRecord[] {
    return [...this.runs.values()]
      .filter((r) => r.stateMachineArn === stateMachineArn)
      .sort((a, b) => (b.startMs ?? 0) - (a.startMs ?? 0));
  }

  /** Every execution recorded, newest first. */
  all(): ExecutionRecord[] {
    return [...this.runs.values()].sort((a, b) => (b.startMs ?? 0) - (a.startMs ?? 0));
  }

  /** `api` answers as `refusal` until `clearFaults`. */
  refuse(api: RefusableApi, refusal: Refusal): void {
    this.faults.set(api, refusal);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  private refused(api: RefusableApi): ApiError | undefined {
    const refusal = this.faults.get(api);
    this.calls.push({ api, ...(refusal ? { refused: refusal } : {}) });
    if (!refusal) return undefined;
    return refusal === 'throttled'
      ? { __type: 'ThrottlingException', message: 'Rate exceeded' }
      : {
          __type: 'AccessDeniedException',
          message: `not authorized to perform: states:${api}`,
        };
  }

  /** ListExecutions: `maxResults` (default 100, at most 1,000), `nextToken`, `statusFilter`. */
  listExecutions(request: Record<string, unknown>): { ok: unknown } | { error: ApiError } {
    const refused = this.refused('ListExecutions');
    if (refused) return { error: refused };
    if (typeof request.stateMachineArn !== 'string') {
      return { error: { __type: 'InvalidArn', message: 'stateMachineArn is required' } };
    }
    const filter = typeof request.statusFilter === 'string' ? request.statusFilter : undefined;
    const all = this.list(request.stateMachineArn).filter((r) => !filter || r.status === filter);
    const size = Math.min(
      1_000,
      typeof request.maxResults === 'number' && request.maxResults > 0 ? request.maxResults : 100
    );
    const offset = typeof request.nextToken === 'string' ? Number(request.nextToken) || 0 : 0;
    const page = all.slice(offset, offset + size);
    return {
      ok: {
        executions: page.map((r) => ({
          executionArn: r.executionArn,
          stateMachineArn: r.stateMachineArn,
          name: r.name,
          status: r.status,
          ...(r.startMs === undefined ? {} : { startDate: seconds(r.startMs) }),
          ...(r.stopMs === undefined ? {} : { stopDate: seconds(r.stopMs) }),
          ...(r.redriveCount === undefined ? {} : { redriveCount: r.redriveCount }),
        })),
        ...(offset + size < all.length ? { nextToken: String(offset + size) } : {}),
      },
    };
  }

  /** ListStateMachines: the machines of the executions recorded (names and ARNs), by name. */
  /**
   * ListStateMachines: the machines that ran, all of them, or with `scope` (a central environment's read role) only
   * those of its account and region, as the service lists the caller's own.
   */
  listStateMachines(
    _request: Record<string, unknown>,
    scope?: { readonly account: string; readonly region: string }
  ): { ok: unknown } | { error: ApiError } {
    const machines = [...new Set([...this.runs.values()].map((r) => r.stateMachineArn))]
      .filter((arn) => {
        if (!scope) return true;
        const parts = parseArn(arn);
        return parts?.region === scope.region && parts.account === scope.account;
      })
      .sort();
    this.calls.push({ api: 'ListStateMachines' });
    return {
      ok: {
        stateMachines: machines.map((arn) => ({
          stateMachineArn: arn,
          name: stateMachineNameOf(arn),
          type: 'STANDARD',
          creationDate: 0,
        })),
      },
    };
  }

  /** DescribeExecution (without input and output: the formatter never asks for them). */
  describeExecution(request: Record<string, unknown>): { ok: unknown } | { error: ApiError } {
    const refused = this.refused('DescribeExecution');
    if (refused) return { error: refused };
    const run = typeof request.executionArn === 'string' ? this.runs.get(request.executionArn) : undefined;
    if (!run) {
      return {
        error: {
          __type: 'ExecutionDoesNotExist',
          message: `Execution Does Not Exist: '${String(request.executionArn)}'`,
        },
      };
    }
    return {
      ok: {
        executionArn: run.executionArn,
        stateMachineArn: run.stateMachineArn,
        name: run.name,
        status: run.status,
        ...(run.startMs === undefined ? {} : { startDate: seconds(run.startMs) }),
        ...(run.stopMs === undefined ? {} : { stopDate: seconds(run.stopMs) }),
        ...(run.error === undefined ? {} : { error: run.error }),
        ...(run.cause === undefined ? {} : { cause: run.cause }),
        ...(run.redriveCount === undefined ? {} : { redriveCount: run.redriveCount }),
      },
    };
  }
}
