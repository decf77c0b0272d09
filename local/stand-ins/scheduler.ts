/**
 * EventBridge Scheduler one-time schedules on the run's clock: the `aws-sdk:scheduler:createSchedule` task
 * stores an `at(…)` schedule; `fireDue` sends each due schedule's `Input` to its SQS target (the local FIFO
 * queue, with `SqsParameters.MessageGroupId`) and deletes it (`ActionAfterCompletion: DELETE`).
 * Errors are named as the SDK integration reports them: `Scheduler.ConflictException` for a name already used
 * in the group, `Scheduler.ValidationException` for a request the API would refuse. `refuse` makes the next calls
 * fail as CreateSchedule's documented errors (contract/aws-errors.ts): a quota reached, throttling, access denied.
 */
import { SCHEDULER_ERRORS_BY_KEY } from '../../contract/aws-errors.js';
import { StatesError } from '../asl/index.js';
import type { FifoQueue } from '../queue/index.js';

export const schedulerResources = {
  createSchedule: 'arn:aws:states:::aws-sdk:scheduler:createSchedule',
} as const;

export interface LocalSchedule {
  readonly name: string;
  readonly group: string;
  /** Epoch ms. */
  readonly dueAt: number;
  readonly targetArn: string;
  readonly input: string;
  readonly messageGroupId?: string;
}

/** How CreateSchedule refuses (scenario `scheduler.fail`), and the error the aws-sdk integration names. */
export const SCHEDULER_REFUSALS = {
  quota: {
    error: SCHEDULER_ERRORS_BY_KEY.quota.name,
    cause: 'The request was rejected because the number of schedules exceeds the quota for this account.',
  },
  throttled: { error: SCHEDULER_ERRORS_BY_KEY.throttling.name, cause: 'Rate exceeded' },
  access_denied: {
    error: SCHEDULER_ERRORS_BY_KEY.accessDenied.name,
    cause:
      'User is not authorized to perform: scheduler:CreateSchedule because no identity-based policy allows the scheduler:CreateSchedule action',
  },
} as const;
export type SchedulerRefusal = keyof typeof SCHEDULER_REFUSALS;
export const SCHEDULER_FAILURES = Object.keys(SCHEDULER_REFUSALS) as SchedulerRefusal[];

const AT = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/;
const NAME = /^[0-9a-zA-Z._-]{1,64}$/;

export class LocalScheduler {
  private readonly schedules = new Map<string, LocalSchedule>();
  /** Refusals to come, oldest first, each with the calls it still refuses (a count, not one entry a call). */
  private readonly refusals: Array<{ readonly fail: SchedulerRefusal; left: number }> = [];
  /** CreateSchedule calls refused by `refuse`, oldest first. */
  readonly refused: Array<{ readonly at: number; readonly error: string }> = [];

  constructor(
    private readonly queues: readonly FifoQueue[],
    private readonly clock: { now(): number }
  ) {}

  /** Pending schedules, soonest first. */
  pending(): LocalSchedule[] {
    return [...this.schedules.values()].sort((a, b) => a.dueAt - b.dueAt);
  }

  /** The next due time, if any. */
  nextDueAt(): number | undefined {
    return this.pending()[0]?.dueAt;
  }

  /** The next `count` CreateSchedule calls fail that way. */
  refuse(fail: SchedulerRefusal, count: number): void {
    if (count > 0) this.refusals.push({ fail, left: count });
  }

  readonly handler = async (task: { arguments: unknown }): Promise<unknown> => {
    const next = this.refusals[0];
    if (next) {
      next.left -= 1;
      if (next.left <= 0) this.refusals.shift();
      const { error, cause } = SCHEDULER_REFUSALS[next.fail];
      this.refused.push({ at: this.clock.now(), error });
      throw new StatesError(error, cause);
    }
    const args = (task.arguments ?? {}) as Record<string, unknown>;
    const invalid = (message: string) => new StatesError('Scheduler.ValidationException', message);
    const name = args.Name;
    if (typeof name !== 'string' || !NAME.test(name)) throw invalid('Name must match [0-9a-zA-Z-_.]+ (1-64)');
    const group = typeof args.GroupName === 'string' && args.GroupName !== '' ? args.GroupName : 'default';
    const expression = typeof args.ScheduleExpression === 'string' ? args.ScheduleExpression : '';
    const at = AT.exec(expression);
    if (!at) throw invalid(`Invalid Schedule Expression ${expression}`);
    const window = args.FlexibleTimeWindow as { Mode?: unknown } | undefined;
    if (window?.Mode !== 'OFF' && window?.Mode !== 'FLEXIBLE')
      throw invalid('FlexibleTimeWindow is required');
    const target = (args.Target ?? {}) as Record<string, unknown>;
    if (typeof target.Arn !== 'string' || typeof target.RoleArn !== 'string') {
      throw invalid('Target.Arn and Target.RoleArn are required');
    }
    const zone = args.ScheduleExpressionTimezone ?? 'UTC';
    if (zone !== 'UTC') throw invalid('the local scheduler supports ScheduleExpressionTimezone UTC only');
    const id = `${group}/${name}`;
    if (this.schedules.has(id)) {
      throw new StatesError('Scheduler.ConflictException', `Schedule ${name} already exists.`);
    }
    const sqs = target.SqsParameters as { MessageGroupId?: unknown } | undefined;
    this.schedules.set(id, {
      name,
      group,
      dueAt: Date.parse(`${at[1]}Z`),
      targetArn: target.Arn,
      input: typeof target.Input === 'string' ? target.Input : '{}',
      ...(typeof sqs?.MessageGroupId === 'string' ? { messageGroupId: sqs.MessageGroupId } : {}),
    });
    return { ScheduleArn: `arn:aws:scheduler:us-east-1:000000000000:schedule/${id}` };
  };

  /** Sends every schedule due by now to its queue and deletes it; returns how many fired. */
  fireDue(): number {
    let fired = 0;
    for (const schedule of this.pending()) {
      if (schedule.dueAt > this.clock.now()) break;
      this.schedules.delete(`${schedule.group}/${schedule.name}`);
      const queue = this.queues.find((q) => q.arn === schedule.targetArn);
      // A target that no longer exists: Scheduler drops the invocation (no dead-letter queue is configured).
      if (!queue) continue;
      queue.sendMessage({
        MessageBody: schedule.input,
        MessageGroupId: schedule.messageGroupId ?? '',
      });
      fired += 1;
    }
    return fired;
  }
}
