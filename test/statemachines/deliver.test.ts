/**
 * deliver.asl.json and deliver-webhook.asl.json, state by state: the store's decisions, the Slack calls and the
 * routing of their answers. The whole lifecycle runs end to end in test/e2e/lifecycle.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { DeliveryMessage } from '../../contract/formatter.js';
import {
  PACE_SORT_KEY,
  STORM_DIGEST_MAX_ENTRIES,
  STORM_SORT_KEY_PREFIX,
  STORM_THRESHOLD,
} from '../../contract/message-store.js';
import {
  type Definition,
  evaluate,
  evaluateNested,
  readAsl,
  type State,
  state,
  substitute,
} from './asl-helpers.js';

const CONNECTION_ARN = 'arn:aws:events:eu-west-1:111122223333:connection/slack/0000';
const settings = {
  ConnectionArn: CONNECTION_ARN,
  TableName: 'messages',
  StartNotices: 'false',
  ReplyBroadcast: 'true',
  RunningLongerThanSeconds: '7200',
  RunningLongerThanText: '2 h',
  MentionOnFailure: '<!subteam^S0123>',
  ScheduleGroupName: 'sfn-slack-notifier-prod',
  QueueArn: 'arn:aws:sqs:eu-west-1:111122223333:q.fifo',
  SchedulerRoleArn: 'arn:aws:iam::111122223333:role/scheduler',
  DelayedAfterSeconds: '900',
  EndedRetentionSeconds: '2592000',
  RunningRetentionSeconds: '34560000',
  DeadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/dlq.fifo',
  AllowedChannels: 'C0123456789,#ops',
  PaceIntervalMs: '1000',
  PaceBurst: '3',
  QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/q.fifo',
  StormThreshold: '5',
  StormWindowSeconds: '300',
  StormFlushSeconds: '10',
  PaceSortKey: 'pace',
  StormSortKeyPrefix: 'storm#',
  WebhookStormFlushSeconds: '60',
  WebhookDigestMaxChars: '36000',
  StormDigestMaxEntries: String(STORM_DIGEST_MAX_ENTRIES),
};
const channel = JSON.parse(substitute(readAsl('deliver.asl.json'), settings)) as Definition;
const webhook = JSON.parse(
  substitute(readAsl('deliver-webhook.asl.json'), { ...settings, WebhookParameterName: '/prod/SLACK_URL' })
) as Definition;

const delivery: DeliveryMessage = {
  payload: { channel: 'C0123456789', text: 'nightly-etl failed', blocks: [{ type: 'section' }] },
  fallback: { channel: 'C0123456789', text: 'nightly-etl failed (plain)' },
  executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:nightly-etl:run-42',
  status: 'FAILED',
  deduplicationId: 'b'.repeat(64),
  orderKey: '000000#3#2026-11-24T02:16:55.000Z',
  endedAt: '2026-11-24T02:16:55.000Z',
  reply: { text: ':x: Failed in *Load*', failure: true },
};
const records = [
  { messageId: 'm-1', body: JSON.stringify(delivery), attributes: { MessageGroupId: 'C0123456789' } },
];
const context = { Execution: { Input: records } };
const stored = (over: Record<string, unknown> = {}) => ({
  channelId: 'C0123456789',
  ts: '1.000100',
  status: 'RUNNING',
  orderKey: '000000#1#2026-11-24T02:00:00.000Z',
  pending: '',
  pendingSince: 0,
  payload: JSON.stringify({ text: 'running', blocks: [{ type: 'section' }] }),
  sent: ['a'.repeat(64)],
  ...over,
});

/** The first matching rule's Next (and its Assign), with the machine's variables bound. */
async function routeWith(choice: State, input: unknown, variables: Record<string, unknown>): Promise<string> {
  for (const rule of choice.Choices as Array<{ Condition: string; Next: string }>) {
    if ((await evaluate(rule.Condition, { input }, variables)) === true) return rule.Next;
  }
  return choice.Default as string;
}

async function decide(msg: Record<string, unknown>, item: Record<string, unknown>): Promise<string> {
  const inspect = state(channel, 'Inspect').Assign as Record<string, string>;
  const isCheck = await evaluate(inspect.isCheck, { input: {} }, { msg });
  const dedup = await evaluate(inspect.dedup, { input: {} }, { msg });
  const assign = state(channel, 'Decide').Assign as Record<string, string>;
  return (await evaluate(assign.action, { input: {} }, { msg, stored: item, isCheck, dedup })) as string;
}

describe('deliver.asl.json: the store decides', () => {
  it('reads the item with a consistent read, keyed by channel and execution', async () => {
    const load = state(channel, 'Load');
    expect(load.Resource).toBe('arn:aws:states:::dynamodb:getItem');
    const args = load.Arguments as Record<string, unknown>;
    expect(args.ConsistentRead).toBe(true);
    expect(
      await evaluate(
        args.Key,
        { input: {} },
        { msg: delivery, channel: 'C0123456789', itemSk: delivery.executionArn }
      )
    ).toEqual({
      pk: { S: 'C0123456789' },
      sk: { S: delivery.executionArn },
    });
  });

  it('turns a missing item into an empty record, and a stored one into plain values', async () => {
    const assign = state(channel, 'Load').Assign as Record<string, string>;
    const empty = await evaluateNested(assign.stored, { input: {}, result: {} }, { msg: delivery });
    expect(empty).toMatchObject({ ts: '', orderKey: '', sent: [], pending: '' });
    const item = {
      pk: { S: 'C0123456789' },
      sk: { S: delivery.executionArn },
      ts: { S: '1.2' },
      sent: { SS: ['x'] },
      pendingSince: { N: '17' },
    };
    const read = await evaluateNested(
      assign.stored,
      { input: {}, result: { Item: item } },
      { msg: delivery }
    );
    expect(read).toMatchObject({ ts: '1.2', sent: ['x'], pendingSince: 17 });
  });

  it.each([
    ['an id already sent', stored({ sent: [delivery.deduplicationId] }), 'duplicate'],
    [
      'a newer status shown (a later redrive)',
      stored({ orderKey: '000001#1#2026-11-24T03:00:00.000Z' }),
      'stale',
    ],
    ['the same rank later in time', stored({ orderKey: '000000#3#2026-11-24T02:20:00.000Z' }), 'stale'],
    ['an older status shown', stored(), 'deliver'],
    ['nothing shown yet', stored({ orderKey: '', ts: '', sent: [] }), 'deliver'],
  ])('news with %s: %s', async (_, item, action) => {
    expect(await decide(delivery as unknown as Record<string, unknown>, item)).toBe(action);
  });

  it('a runningLongerThan check acts only while the RUNNING it was scheduled for is still what is shown', async () => {
    const check = { check: 'runningLongerThan', checkId: 'c', orderKey: stored().orderKey };
    expect(await decide(check, stored())).toBe('deliver');
    expect(await decide(check, stored({ status: 'SUCCEEDED', orderKey: '000000#3#x' }))).toBe('ignore');
    expect(await decide(check, stored({ orderKey: '000001#1#later' }))).toBe('ignore');
    expect(await decide(check, stored({ sent: ['c'] }))).toBe('duplicate');
  });

  it('claims the news with a condition that fails if it was sent meanwhile, and reloads then', () => {
    const claim = state(channel, 'Claim');
    const args = claim.Arguments as Record<string, unknown>;
    expect(claim.Resource).toBe('arn:aws:states:::dynamodb:updateItem');
    expect(args.ConditionExpression).toBe('NOT contains(#sent, :id)');
    expect(claim.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], Next: 'Reload' }),
    ]);
  });

  it('an earlier attempt that claimed the news sends this one looking in Slack first', async () => {
    const vars = { stored: stored({ pending: 'b'.repeat(64) }), dedup: 'b'.repeat(64) };
    expect(await routeWith(state(channel, 'ClaimedBefore'), {}, vars)).toBe('WhereLost');
    expect(await routeWith(state(channel, 'ClaimedBefore'), {}, { ...vars, dedup: 'c' })).toBe('Claim');
  });
});

describe('deliver.asl.json: Slack calls', () => {
  const vars = {
    msg: delivery,
    stored: stored({ ts: '' }),
    key: { pk: { S: 'C0123456789' }, sk: { S: delivery.executionArn } },
    dedup: delivery.deduplicationId,
    parent: { text: 'nightly-etl failed', blocks: [{ type: 'section' }] },
    fallbackParent: { text: 'plain' },
    useFallback: false,
    reply: { text: ':x: Failed', broadcast: true },
  };

  it('posts the parent with chat.postMessage; its metadata carries the deduplication id', async () => {
    const args = state(channel, 'PostParent').Arguments as Record<string, unknown>;
    expect(args.ApiEndpoint).toBe('https://slack.com/api/chat.postMessage');
    expect(args.Authentication).toEqual({ ConnectionArn: CONNECTION_ARN });
    expect(Object.keys(args.Headers as object).map((k) => k.toLowerCase())).not.toContain('authorization');
    const body = (await evaluate(args.RequestBody, { input: {}, context }, vars)) as Record<string, unknown>;
    expect(body).toMatchObject({
      channel: 'C0123456789',
      text: 'nightly-etl failed',
      metadata: { event_type: 'sfn_slack_notification', event_payload: { dedup: delivery.deduplicationId } },
    });
    const fallback = await evaluate(args.RequestBody, { input: {}, context }, { ...vars, useFallback: true });
    expect(fallback).toMatchObject({ text: 'plain' });
    expect((fallback as Record<string, unknown>).blocks).toBeUndefined();
  });

  it('edits with chat.update (retried freely) and replies in the thread, broadcast when asked', async () => {
    const update = state(channel, 'UpdateParent');
    expect((update.Arguments as Record<string, unknown>).ApiEndpoint).toBe(
      'https://slack.com/api/chat.update'
    );
    const retried = (update.Retry as Array<{ ErrorEquals: string[] }>).flatMap((r) => r.ErrorEquals);
    expect(retried).toEqual(expect.arrayContaining(['States.Http.StatusCode.429', 'States.Http.Socket']));
    const reply = state(channel, 'PostReply').Arguments as Record<string, unknown>;
    const body = await evaluate(reply.RequestBody, { input: {}, context }, { ...vars, stored: stored() });
    expect(body).toMatchObject({ channel: 'C0123456789', thread_ts: '1.000100', reply_broadcast: true });
  });

  it('never re-posts blindly after an answer that may have been lost: socket errors, 5xx and timeouts look first', () => {
    for (const name of ['PostParent', 'PostReply']) {
      const post = state(channel, name);
      const retried = (post.Retry as Array<{ ErrorEquals: string[] }>).flatMap((r) => r.ErrorEquals);
      expect(retried).toEqual(['States.Http.StatusCode.429']);
      const [lost] = post.Catch as Array<{ ErrorEquals: string[]; Next: string }>;
      expect(lost?.Next).toBe('WhereLost');
      expect(lost?.ErrorEquals).toEqual(
        expect.arrayContaining(['States.Http.Socket', 'States.Http.StatusCode.500', 'States.Timeout'])
      );
    }
  });

  it('finds a lost post by its metadata; gives up after 3 attempts (the claim stays for the next receive)', async () => {
    const find = state(channel, 'FindLostParent');
    const args = find.Arguments as Record<string, unknown>;
    expect(args.Method).toBe('GET');
    const query = await evaluate(args.QueryParameters, { input: {} }, { ...vars, since: 1000 });
    expect(query).toMatchObject({ channel: 'C0123456789', oldest: '940', include_all_metadata: 'true' });
    const answer = {
      ok: true,
      messages: [
        { ts: '9.9', metadata: { event_payload: { dedup: 'other' } } },
        { ts: '1.5', metadata: { event_payload: { dedup: delivery.deduplicationId } } },
      ],
    };
    const out = await evaluate(find.Output, { input: {}, result: { ResponseBody: answer } }, vars);
    expect(out).toEqual({ ok: true, found: '1.5', earlier: '' });
    const checked = state(channel, 'LostChecked');
    expect(await routeWith(checked, out, { ...vars, attempt: 1 })).toBe('AfterSlack');
    expect(await routeWith(checked, { found: '' }, { ...vars, attempt: 1 })).toBe('Send');
    expect(await routeWith(checked, { found: '' }, { ...vars, attempt: 3 })).toBe('SlackUnreachable');
  });

  it('with no parent known but an earlier news claimed, that earlier post (if Slack has it) becomes the parent', async () => {
    const find = state(channel, 'FindLostParent');
    const earlierVars = {
      ...vars,
      stored: stored({ ts: '', pending: 'e'.repeat(64) }),
      lookingFor: 'earlier',
    };
    const answer = {
      ok: true,
      messages: [{ ts: '2.5', metadata: { event_payload: { dedup: 'e'.repeat(64) } } }],
    };
    const out = await evaluate(find.Output, { input: {}, result: { ResponseBody: answer } }, earlierVars);
    expect(out).toEqual({ ok: true, found: '', earlier: '2.5' });
    const checked = state(channel, 'LostChecked');
    expect(await routeWith(checked, out, earlierVars)).toBe('Frame');
    expect(await routeWith(checked, { found: '', earlier: '' }, earlierVars)).toBe('Claim');
    const claimed = state(channel, 'ClaimedBefore');
    // Through WhereLost (the time-budget guard), which looks for the parent when none is known.
    expect(await routeWith(claimed, {}, { ...earlierVars, lookingFor: '' })).toBe('WhereLost');
    expect(
      await routeWith(
        state(channel, 'WhereLost'),
        {},
        { ...earlierVars, startedAt: 0, slackBudgetSeconds: 1e12 }
      )
    ).toBe('FindLostParent');
    // Looked once already, or a parent known: claim.
    expect(await routeWith(claimed, {}, earlierVars)).toBe('Claim');
    expect(
      await routeWith(claimed, {}, { ...earlierVars, lookingFor: '', stored: stored({ pending: 'e' }) })
    ).toBe('Claim');
  });

  it.each([
    [{ ok: true }, 'AfterSlack'],
    [{ ok: false, error: 'ratelimited' }, 'SlackUnavailable'],
    [{ ok: false, error: 'internal_error' }, 'SlackUnavailable'],
    [{ ok: false, error: 'invalid_blocks' }, 'UseFallback'],
    [{ ok: false, error: 'msg_too_long' }, 'UseFallback'],
    [{ ok: false, error: 'channel_not_found' }, 'Refused'],
    [{ ok: false, error: 'invalid_auth' }, 'Refused'],
    [{ ok: false, error: 'something_new' }, 'Refused'],
  ])('routes the parent answer %j to %s', async (input, next) => {
    expect(await routeWith(state(channel, 'ParentPosted'), input, vars)).toBe(next);
  });

  it('the plain-text fallback goes out at most once', async () => {
    expect(
      await routeWith(
        state(channel, 'ParentPosted'),
        { ok: false, error: 'invalid_blocks' },
        { ...vars, useFallback: true }
      )
    ).toBe('Refused');
  });

  it.each([
    ['invalid_auth', 'DeadLetter'],
    ['account_inactive', 'DeadLetter'],
    ['token_revoked', 'DeadLetter'],
    ['channel_not_found', 'DeadLetter'],
    ['not_in_channel', 'DeadLetter'],
    ['is_archived', 'DeadLetter'],
    ['invalid_blocks', 'DeadLetter'],
    ['something_new', 'SlackRejected'],
  ])(
    'a refusal %s goes to %s (permanent: the dead-letter queue at once; unknown: retried by the queue)',
    async (error, next) => {
      const permanentErrors = (state(channel, 'Read').Assign as { permanentErrors: string[] })
        .permanentErrors;
      expect(await routeWith(state(channel, 'Refused'), { ok: false, error }, { permanentErrors })).toBe(
        next
      );
    }
  );

  it.each([
    [{ ok: true }, 'reply'],
    [{ ok: false, error: 'message_not_found' }, 'parent'],
    [{ ok: false, error: 'cant_update_message' }, 'reply'],
    [{ ok: false, error: 'edit_window_closed' }, 'reply'],
  ])('routes the edit answer %j through pacing to the %s post', async (input, then) => {
    const updated = state(channel, 'ParentUpdated');
    expect(await routeWith(updated, input, vars)).toBe('Pace');
    const paced = state(channel, 'Paced');
    const expected = then === 'reply' ? 'PostReply' : 'PostParent';
    const matching: string[] = [];
    for (const r of updated.Choices as Array<{ Condition: string; Assign?: { then?: string } }>) {
      if ((await evaluate(r.Condition, { input }, vars)) === true) {
        matching.push(r.Assign?.then ?? '');
        break;
      }
    }
    expect(matching).toEqual([then]);
    expect(await routeWith(paced, {}, { then })).toBe(expected);
  });

  it('fails with the Slack error as the error name, so the DLQ and the console show it', async () => {
    const rejected = state(channel, 'SlackRejected');
    expect(await evaluate(rejected.Error, { input: { error: 'channel_not_found' } })).toBe(
      'Slack.channel_not_found'
    );
    const unavailable = state(channel, 'SlackUnavailable');
    expect(await evaluate(unavailable.Error, { input: {} }, { slackError: 'ratelimited' })).toBe(
      'Slack.ratelimited'
    );
  });
});

describe('deliver.asl.json: runningLongerThan and delays', () => {
  it('schedules a one-time check in its group, to the queue in the same message group, deleted after it fires', async () => {
    const task = state(channel, 'ScheduleCheck');
    expect(task.Resource).toBe('arn:aws:states:::aws-sdk:scheduler:createSchedule');
    const args = task.Arguments as Record<string, unknown>;
    expect(args.ActionAfterCompletion).toBe('DELETE');
    const vars = {
      config: {
        runningLongerThanSeconds: '7200',
        scheduleGroup: 'g',
        queueArn: settings.QueueArn,
        schedulerRoleArn: 'r',
      },
      msg: { ...delivery, status: 'RUNNING', startedAt: '2026-11-24T02:00:00.000Z' },
      dedup: delivery.deduplicationId,
      key: { pk: { S: 'C0123456789' } },
    };
    // The test's JSONata has no $millis bound to a clock: evaluate at a fixed now.
    const at = (iso: string) =>
      (args.ScheduleExpression as string).replaceAll('$millis()', String(Date.parse(iso)));
    expect(await evaluate(at('2026-11-24T02:00:05Z'), { input: {} }, vars)).toBe('at(2026-11-24T04:00:00)');
    // A RUNNING delivered after the limit still gets its check, a minute on.
    expect(await evaluate(at('2026-11-24T05:00:00Z'), { input: {} }, vars)).toBe('at(2026-11-24T05:01:00)');
    // One name per channel and id: the destinations of one notification share the id.
    const name = await evaluate(args.Name, { input: {} }, vars);
    const other = await evaluate(args.Name, { input: {} }, { ...vars, key: { pk: { S: 'C0OTHER0001' } } });
    expect(name).toMatch(/^sfn-slack-[0-9a-f]{48}$/);
    expect(other).not.toBe(name);
    const target = args.Target as Record<string, unknown>;
    const input = JSON.parse((await evaluate(target.Input, { input: {}, context }, vars)) as string);
    expect(input).toMatchObject({
      check: 'runningLongerThan',
      channel: 'C0123456789',
      orderKey: delivery.orderKey,
    });
    // The route's mention rides along for the banner (absent on notifications from before the field).
    expect(input.mention).toBeUndefined();
    const withMention = { ...vars, msg: { ...vars.msg, runningMention: '<@U0DATA0001>' } };
    const mentioned = JSON.parse(
      (await evaluate(target.Input, { input: {}, context }, withMention)) as string
    );
    expect(mentioned.mention).toBe('<@U0DATA0001>');
    expect(
      await evaluate(
        (target.SqsParameters as Record<string, unknown>).MessageGroupId,
        { input: {}, context },
        vars
      )
    ).toBe('C0123456789');
    expect(task.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['Scheduler.ConflictException'] })]);
  });

  it('says "Delayed: the run ended at …" only when delivered long after the end', async () => {
    const note = (state(channel, 'Decide').Assign as Record<string, string>).delayedNote as string;
    const config = { delayedAfterSeconds: '900' };
    // The test's JSONata has no $millis bound to a clock: evaluate with a fixed now.
    const at = (iso: string) => note.replace('$millis()', String(Date.parse(iso)));
    expect(await evaluate(at('2026-11-24T02:20:00Z'), { input: {} }, { msg: delivery, config })).toBe('');
    expect(await evaluate(at('2026-11-24T08:00:00Z'), { input: {} }, { msg: delivery, config })).toMatch(
      /^Delayed: the run ended at <!date\^\d+\^/
    );
  });
});

describe('deliver-webhook.asl.json', () => {
  it('claims the id in the store first; an id already there is a duplicate', () => {
    const claim = state(webhook, 'Claim');
    expect(claim.Resource).toBe('arn:aws:states:::dynamodb:updateItem');
    expect((claim.Arguments as Record<string, unknown>).ConditionExpression).toBe('NOT contains(#sent, :id)');
    expect(claim.Catch).toEqual([
      expect.objectContaining({
        ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'],
        Next: 'Duplicate',
      }),
    ]);
  });

  it('reads the webhook URL from the SSM SecureString at run time into a variable', async () => {
    const read = state(webhook, 'ReadWebhookUrl');
    expect(read.Arguments).toEqual({ Name: '/prod/SLACK_URL', WithDecryption: true });
    const result = { Parameter: { Value: 'https://hooks.slack.com/services/T/B/x' } };
    const assign = read.Assign as Record<string, string>;
    expect(await evaluate(assign.webhookUrl, { input: records, result })).toBe(result.Parameter.Value);
  });

  it('any failure after the claim takes the id back, then fails with the original error', async () => {
    for (const name of ['Post', 'PostFallback', 'StormCount', 'StormReset', 'StormAppend', 'MarkQueued']) {
      const catchers = state(webhook, name).Catch as Array<{ ErrorEquals: string[]; Next: string }>;
      expect(catchers.at(-1)).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'Release' });
    }
    // Reading the URL and pacing come before a notification's post and a digest's: Undo tells them apart.
    for (const name of ['ReadWebhookUrl', 'Pace', 'PaceBusy']) {
      const catchers = state(webhook, name).Catch as Array<{ ErrorEquals: string[]; Next: string }>;
      expect(catchers.at(-1)).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'Undo' });
    }
    expect(state(webhook, 'Undo').Default).toBe('Release');
    expect((state(webhook, 'Release').Arguments as Record<string, unknown>).UpdateExpression).toBe(
      'DELETE #sent :ids'
    );
    const fail = state(webhook, 'NotDelivered');
    expect(
      await evaluate(fail.Error, { input: {} }, { failure: { Error: 'States.Http.StatusCode.404' } })
    ).toBe('States.Http.StatusCode.404');
  });

  it('posts the payload as it came when on time', async () => {
    const args = state(webhook, 'Post').Arguments as Record<string, unknown>;
    expect(
      await evaluate(args.RequestBody, { input: records, context }, { msg: delivery, delayedNote: '' })
    ).toEqual(delivery.payload);
  });
});

describe('deliver.asl.json: pacing and admission', () => {
  const config = { paceIntervalMs: '1000', paceBurst: '3', allowedChannels: 'C0123456789,#ops' };

  it('a busy channel: the slot is the bucket’s new end minus the burst allowance, never before now', async () => {
    const busy = state(channel, 'PaceBusy');
    const slotAt = (busy.Assign as { slotAt: string }).slotAt;
    const at = (next: number, now: number) =>
      evaluate(
        slotAt.replaceAll('$millis()', String(now)),
        { input: {}, result: { Attributes: { next: { N: String(next) } } } },
        { config }
      );
    // Bucket full again at now + 1.5 s after this reservation: within the burst of 3, post now.
    expect(await at(101_500, 100_000)).toBe(100_000);
    // Three reservations ahead (full at now + 5 s): wait 2 s.
    expect(await at(105_000, 100_000)).toBe(102_000);
    const args = busy.Arguments as Record<string, unknown>;
    expect(args.UpdateExpression).toBe('ADD #next :interval SET #expiresAt = :expires');
    expect(args.ReturnValues).toBe('UPDATED_NEW');
  });

  it('a quiet channel takes the slot now, on condition that nothing is reserved ahead', () => {
    const args = state(channel, 'Pace').Arguments as Record<string, unknown>;
    expect(args.ConditionExpression).toBe('attribute_not_exists(#next) OR #next <= :now');
    expect((state(channel, 'Pace').Catch as Array<{ Next: string }>)[0]?.Next).toBe('PaceBusy');
  });

  it.each([
    [{ valid: false, channel: 'C0123456789', msg: {} }, 'DeadLetter'],
    [{ valid: true, channel: 'C0999999999', msg: {} }, 'DeadLetter'],
    [{ valid: true, channel: '#ops', msg: {} }, 'Load'],
    [{ valid: true, channel: 'C0123456789', msg: { check: 'stormFlush' } }, 'FlushRead'],
  ])('admits %j to %s', async (vars, next) => {
    expect(await routeWith(state(channel, 'Admit'), {}, { ...vars, config })).toBe(next);
  });

  it('a dead letter keeps the original body and says why, in the body and as a message attribute', async () => {
    const args = state(channel, 'DeadLetter').Arguments as Record<string, unknown>;
    const vars = {
      reason: 'Slack refused the message: is_archived',
      deadError: 'Slack.is_archived',
      body: records[0]?.body,
      record: records[0],
    };
    const body = JSON.parse((await evaluate(args.MessageBody, { input: {} }, vars)) as string);
    expect(body).toMatchObject({
      deadLetter: { reason: vars.reason, error: vars.deadError },
      body: vars.body,
    });
    expect(await evaluate(args.MessageGroupId, { input: {} }, vars)).toBe('C0123456789');
    expect(await evaluate(args.MessageDeduplicationId, { input: {} }, vars)).toBe('m-1');
    expect(await evaluate(args.MessageAttributes, { input: {} }, vars)).toEqual({
      reason: { DataType: 'String', StringValue: vars.reason },
      error: { DataType: 'String', StringValue: vars.deadError },
    });
  });
});

describe('deliver-webhook.asl.json: pacing and storm digests', () => {
  const webhookConfig = (state(webhook, 'Read').Assign as { config: Record<string, string> }).config;

  it('shares the channel mode’s store items: the pace item and the storm keys are the same literals', () => {
    const channelText = readAsl('deliver.asl.json');
    expect(webhookConfig.paceKey).toBe(PACE_SORT_KEY);
    expect(webhookConfig.stormPrefix).toBe(STORM_SORT_KEY_PREFIX);
    // deliver.asl.json writes them inline: the constants must say what it writes.
    expect(channelText).toContain(`'sk': { 'S': '${PACE_SORT_KEY}' }`);
    expect(channelText).toContain(`'sk': { 'S': '${STORM_SORT_KEY_PREFIX}' & $msg.stateMachineArn }`);
    // Both modes read the same settings.
    const channelConfig = (state(channel, 'Read').Assign as { config: Record<string, string> }).config;
    for (const name of ['paceIntervalMs', 'paceBurst', 'stormThreshold', 'stormWindowSeconds']) {
      expect(webhookConfig[name]).toBe(channelConfig[name]);
    }
  });

  it('every post goes through the pace item first: the message, the fallback and each digest post', () => {
    expect(state(webhook, 'ReadWebhookUrl').Next).toBe('Pace');
    expect(state(webhook, 'PaceWait').Next).toBe('Paced');
    const postCatch = (state(webhook, 'Post').Catch as Array<{ ErrorEquals: string[]; Next: string }>)[0];
    expect(postCatch).toMatchObject({ ErrorEquals: ['States.Http.StatusCode.400'], Next: 'Pace' });
    const paced = state(webhook, 'Paced') as State & { Choices: Array<{ Next: string }> };
    // Or, past the time budget, none of them.
    expect([...paced.Choices.map((c) => c.Next), paced.Default].sort()).toEqual([
      'OutOfTime',
      'Post',
      'PostDigest',
      'PostFallback',
    ]);
    expect(state(webhook, 'OutOfTime').Next).toBe('Undo');
  });

  it('counts per state machine in the webhook’s partition and digests past the threshold', async () => {
    const candidate = state(webhook, 'StormCandidate') as State & {
      Choices: Array<{ Assign: { stormKey: string } }>;
    };
    const msg = {
      ...delivery,
      stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl',
    };
    expect(
      await evaluate(candidate.Choices[0]?.Assign.stormKey, { input: {} }, { msg, config: webhookConfig })
    ).toEqual({
      pk: { S: 'webhook' },
      sk: { S: `${STORM_SORT_KEY_PREFIX}${msg.stateMachineArn}` },
    });
    expect(await routeWith(candidate, {}, { msg, config: webhookConfig })).toBe('StormCount');
    expect(await routeWith(candidate, {}, { msg: delivery, config: webhookConfig })).toBe('ReadWebhookUrl');
    const check = state(webhook, 'StormCheck');
    expect(await routeWith(check, {}, { storm: { count: 5, since: '1' }, config: webhookConfig })).toBe(
      'ReadWebhookUrl'
    );
    expect(
      await routeWith(
        check,
        {},
        { storm: { count: 6, since: '1' }, config: webhookConfig, stormKey: { sk: { S: 'storm#x' } } }
      )
    ).toBe('StormEntry');
  });

  it('schedules the flush a flush interval ahead, into the record’s message group, named after the record', async () => {
    const args = state(webhook, 'ScheduleFlush').Arguments as Record<string, unknown> & {
      Target: Record<string, unknown> & { SqsParameters: { MessageGroupId: string } };
    };
    const vars = {
      record: records[0],
      config: webhookConfig,
      digestKey: { pk: { S: 'webhook' }, sk: { S: 'storm#arn:x#100' } },
    };
    expect(await evaluate(args.Name, { input: {} }, vars)).toBe('sfn-slack-flush-m-1');
    const at = String(await evaluate(args.ScheduleExpression, { input: {} }, vars));
    const due = Date.parse(`${/^at\((.+)\)$/.exec(at)?.[1]}Z`);
    expect(due - Date.now()).toBeGreaterThan((Number(settings.WebhookStormFlushSeconds) - 2) * 1000);
    expect(due - Date.now()).toBeLessThanOrEqual(Number(settings.WebhookStormFlushSeconds) * 1000);
    expect(JSON.parse(String(await evaluate(args.Target.Input, { input: {} }, vars)))).toEqual({
      check: 'stormFlush',
      digest: 'storm#arn:x#100',
      checkId: 'flush-m-1',
    });
    expect(await evaluate(args.Target.SqsParameters.MessageGroupId, { input: {} }, vars)).toBe('C0123456789');
  });

  it('puts the pending lines in as few posts as fit, each line once and in order', async () => {
    const text = state(webhook, 'FlushText').Assign as Record<string, string>;
    const lines = Array.from({ length: 10 }, (_, i) => `• line ${i} ${'x'.repeat(20)}`);
    const chunksOf = async (max: number) =>
      (await evaluate(
        text.chunks,
        { input: {} },
        { lines, config: { digestMaxChars: String(max) } }
      )) as string[];
    expect(await chunksOf(100_000)).toEqual([lines.join('\n')]);
    const small = await chunksOf(100);
    expect(small.length).toBeGreaterThan(2);
    expect(small.every((c) => c.length < 100)).toBe(true);
    expect(small.join('\n')).toBe(lines.join('\n'));
    // A line longer than the limit still goes out, alone.
    expect(await chunksOf(10)).toEqual(lines);
  });

  it('a flush lists only what no digest posted yet, and counts what each post listed', async () => {
    const item = {
      entries: { L: ['a', 'b', 'c', 'd'].map((S) => ({ S: `• <u|${S}> x` })) },
      posted: { N: '3' },
    };
    const first = state(webhook, 'FlushLines').Assign as Record<string, string>;
    const all = await evaluate(first.all, { input: {} }, { item });
    const done = await evaluate(first.done, { input: {} }, { item });
    const pending = state(webhook, 'FlushPending').Assign as Record<string, string>;
    expect(await evaluate(pending.lines, { input: {} }, { all, done })).toEqual(['• <u|d> x']);
    const mark = state(webhook, 'MarkListed').Arguments as Record<string, unknown>;
    expect(mark.UpdateExpression).toBe('ADD #posted :n');
    expect(
      await evaluate(mark.ExpressionAttributeValues, { input: {} }, { chunks: ['l1\nl2\nl3', 'l4'] })
    ).toEqual({
      ':n': { N: '3' },
    });
  });
});

describe('deliver.asl.json: a mute summary', () => {
  const itemSk = (msg: unknown) =>
    evaluate((state(channel, 'Inspect').Assign as Record<string, unknown>).itemSk, { input: {} }, { msg });

  it('is stored under its own id, so a run with newer news shown cannot make it stale', async () => {
    const summary = { status: 'MUTE_SUMMARY', executionArn: 'arn:x:execution:m:r1', deduplicationId: 'abc' };
    expect(await itemSk(summary)).toBe('summary#abc');
    expect(await itemSk({ ...summary, status: 'FAILED' })).toBe('arn:x:execution:m:r1');
    const load = state(channel, 'Load').Arguments as Record<string, unknown>;
    expect(await evaluate(load.Key, { input: {} }, { channel: 'C1', itemSk: 'summary#abc' })).toEqual({
      pk: { S: 'C1' },
      sk: { S: 'summary#abc' },
    });
  });
});

describe.each([
  ['deliver.asl.json', () => channel, 'C0123456789'],
  ['deliver-webhook.asl.json', () => webhook, 'webhook'],
] as const)('%s: a storm that never pauses', (_file, definition, partition) => {
  const config = {
    stormThreshold: String(STORM_THRESHOLD),
    digestMaxEntries: String(STORM_DIGEST_MAX_ENTRIES),
  };
  const stormAfter = async (count: number) =>
    evaluate(
      (state(definition(), 'StormCount').Assign as Record<string, string>).storm,
      { result: { Attributes: { count: { N: String(count) }, windowStart: { N: '100' } } } },
      { config }
    );
  const digestSk = async (count: number) => {
    const choice = state(definition(), 'StormCheck') as State & {
      Choices: Array<{ Assign: { digestKey: string } }>;
    };
    const key = (await evaluate(
      choice.Choices[0]?.Assign.digestKey,
      { input: {} },
      { storm: await stormAfter(count), stormKey: { sk: { S: 'storm#arn:x' } }, channel: partition }
    )) as { pk: { S: string }; sk: { S: string } };
    expect(key.pk.S).toBe(partition);
    return key.sk.S;
  };

  it(`starts a new digest every ${STORM_DIGEST_MAX_ENTRIES} executions, so no digest item outgrows DynamoDB's 400 KB`, async () => {
    // Executions past the threshold share the window's first digest up to MAX; the next go to page 1, then 2.
    const first = STORM_THRESHOLD + 1;
    expect(await digestSk(first)).toBe('storm#arn:x#100');
    expect(await digestSk(first - 1 + STORM_DIGEST_MAX_ENTRIES)).toBe('storm#arn:x#100');
    expect(await digestSk(first + STORM_DIGEST_MAX_ENTRIES)).toBe('storm#arn:x#100#1');
    expect(await digestSk(first + 2 * STORM_DIGEST_MAX_ENTRIES)).toBe('storm#arn:x#100#2');
  });
});
