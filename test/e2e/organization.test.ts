/**
 * A central environment end to end, on the local pipeline: executions from two accounts in two regions each are
 * read with their own account's read role (task Credentials, refused otherwise as the source account's IAM
 * would), linked to their own region's console, and queued with their account and region for routing.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryMessage } from '../../contract/formatter.js';
import { TAG_KEYS } from '../../contract/routes.js';
import { actionRoleArn, readRoleArn } from '../../contract/sources.js';
import { ranIn } from '../../local/examples.js';
import { allText, type Example, examples, type Harness, harness, historiesOf } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ENVIRONMENT = 'org';
/** The local pipeline's notifier runs in us-east-1. */
const NOTIFIER_REGION = 'us-east-1';

/** The failed example as if it ran in another account and region. */
const moved = (account: string, region: string, name: string): Example =>
  ranIn(examples.failed(), account, region, name);

const SOURCES = [
  ['111122223333', 'eu-west-1'],
  ['111122223333', 'us-east-1'],
  ['777788889999', 'eu-west-1'],
  ['777788889999', 'us-east-1'],
] as const;

describe('a central environment: two accounts, two regions', () => {
  it('reads each history with its own account and region role, links its region and queues where it ran', async () => {
    // Prepare
    const runs = SOURCES.map(([account, region], i) => moved(account, region, `run-${i}`));
    h = await harness({
      history: historiesOf(runs),
      definition: async () => '{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}',
      environment: ENVIRONMENT,
      central: true,
    });
    // Act
    const entered: string[][] = [];
    for (const run of runs) {
      const notifier = await h.pipeline.notify(run.event);
      expect(notifier.status).toBe('SUCCEEDED');
      entered.push(
        notifier.events.flatMap((e) => (e.type.endsWith('StateEntered') && e.stateName ? [e.stateName] : []))
      );
    }
    const delivery = await h.pipeline.deliver();
    // Assess: an execution of the notifier's region (the local pipeline's, us-east-1) is read by FetchHistory with
    // its own account's read role (and its definition by the formatter, with the same role); one of another region
    // skips the SDK read (it cannot call another region) and the formatter reads its history and definition there,
    // having assumed the same role.
    expect(delivery).toEqual({ delivered: 4, failed: 0 });
    const reads = h.pipeline.sourceReads;
    for (const [i, [account, region]] of SOURCES.entries()) {
      const arn = runs[i]?.event.detail.executionArn;
      const expectedRole = readRoleArn('aws', account, ENVIRONMENT, region);
      const read = (stateName: string, action: string) => ({
        stateName,
        action,
        executionArn: arn,
        roleArn: expectedRole,
        allowed: true,
      });
      expect(reads.filter((r) => r.executionArn === arn)).toEqual(
        region === NOTIFIER_REGION
          ? [
              read('FetchHistory', 'GetExecutionHistory'),
              read('formatter', 'DescribeStateMachineForExecution'),
            ]
          : [read('formatter', 'GetExecutionHistory'), read('formatter', 'DescribeStateMachineForExecution')]
      );
      // The run context ("is this normal?", issue 24): the machine's recent runs, with the same role, there.
      const machine = arn?.replace(/:execution:([^:]+):[^:]+$/, ':stateMachine:$1');
      expect(reads.filter((r) => r.executionArn === machine)).toEqual([
        {
          stateName: 'formatter',
          action: 'ListExecutions',
          executionArn: machine,
          roleArn: expectedRole,
          allowed: true,
        },
      ]);
    }
    expect(entered.filter((states) => !states.includes('FetchHistory'))).toHaveLength(2);
    // Each message links to the console of the execution's region and carries the real history's details.
    const messages = h.slack.messages();
    expect(messages).toHaveLength(4);
    for (const [i, [, region]] of SOURCES.entries()) {
      const arn = runs[i]?.event.detail.executionArn ?? '';
      const message = messages.find((m) => allText(m).includes(`run-${i}`));
      const text = allText(message ?? {});
      expect(text).toContain(
        `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${arn}`
      );
      expect(text).toContain('RefreshAggregates');
    }
    // The queued delivery messages say where each execution ran (what routes by account and region key on).
    const queued = h.pipeline.deliveries.map(
      ({ records }) => JSON.parse(records[0]?.body ?? '{}') as DeliveryMessage
    );
    expect(queued.map((m) => [m.account, m.region]).sort()).toEqual(SOURCES.map((s) => [...s]).sort());
  });

  it("a source claiming another account's execution is refused: nothing read, no message, no buttons (issue 21)", async () => {
    // Prepare: account 7777… forwards events naming executions of account 1111… (in the notifier's region and in
    // another one); EventBridge sets the envelope's account to the sender.
    for (const region of [NOTIFIER_REGION, 'eu-west-1']) {
      const victim = moved('111122223333', region, `victim-${region}`);
      const forged = { ...victim, event: { ...victim.event, account: '777788889999' } };
      h = await harness({ history: historiesOf([victim]), environment: ENVIRONMENT, central: true });
      // Act
      const { notifier, delivery } = await h.pipeline.run(forged.event);
      // Assess: the gate skipped FetchHistory, the formatter refused before any read; nothing was queued.
      expect(notifier.status).toBe('SUCCEEDED');
      expect(notifier.output).toMatchObject({ action: 'none', reason: expect.stringContaining('refused') });
      expect(delivery).toEqual({ delivered: 0, failed: 0 });
      expect(h.pipeline.sourceReads).toEqual([]);
      expect(h.slack.messages()).toEqual([]);
      await h.close();
      h = undefined;
    }
  });

  it('a single-account environment reads with its own role: no task Credentials, no source reads', async () => {
    // Prepare
    const example = examples.failed();
    h = await harness({ history: historiesOf([example]) });
    // Act
    const { notifier } = await h.pipeline.run(example.event);
    // Assess
    expect(notifier.status).toBe('SUCCEEDED');
    expect(h.pipeline.sourceReads).toEqual([]);
    const scheduled = notifier.events.filter((event) => event.type === 'TaskScheduled');
    expect(scheduled.length).toBeGreaterThan(0);
    expect(JSON.stringify(scheduled)).not.toContain('taskCredentials');
  });
});

describe('Slack actions in a central environment', () => {
  const policy = {
    redrive: { users: ['U0ALICE'], userGroups: [] },
    stop: { users: [], userGroups: [] },
    mute: { users: ['U0ALICE'], userGroups: [] },
  };

  /** The central pipeline with Slack actions, serving these runs' histories. */
  const centralWithActions = (runs: Example[]) =>
    harness({
      history: historiesOf(runs),
      definition: async () => '{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}',
      environment: ENVIRONMENT,
      central: true,
      actions: { policy, watched: ['arn:aws:states:*:*:stateMachine:nightly-*'] },
    });

  /** Notifies the run, then clicks a button of its message with a signed request, as Slack would. */
  async function click(run: Example, actionId: string) {
    if (!h?.pipeline.actions) throw new Error('no actions');
    await h.pipeline.notify(run.event);
    await h.pipeline.deliver();
    const parent = h.slack.messages().at(-1);
    const { clickBody, signedHeaders } = await import('../../local/slack-clicks.js');
    const body = clickBody({
      user: 'U0ALICE',
      channel: 'C0ALERTS',
      message: { ts: parent?.ts ?? '', blocks: parent?.blocks ?? [] },
      button: {
        action_id: actionId,
        value: JSON.stringify({ e: run.event.detail.executionArn, r: 0 }),
      },
    });
    const headers = signedHeaders(h.pipeline.actions.signingSecret, body, h.pipeline.clock.now());
    return h.pipeline.actions.handle({ method: 'POST', headers, rawBody: body });
  }

  it("redrives and mutes a source account's run through that account's act role, in the notifier's region", async () => {
    const run = moved('777788889999', NOTIFIER_REGION, 'run-act');
    h = await centralWithActions([run]);
    const answer = await click(run, 'sfn-slack:redrive');
    expect(answer.outcome).toBe('started');
    expect(h.pipeline.actions?.lastMachine?.output).toMatchObject({ outcome: 'done' });
    const clickedAt = h.clock.now();
    await click(run, 'sfn-slack:mute:3600');
    const role = actionRoleArn('aws', '777788889999', ENVIRONMENT, NOTIFIER_REGION);
    const machine = run.event.detail.executionArn.replace(/:execution:([^:]+):.*$/, ':stateMachine:$1');
    expect(h.pipeline.actions?.sourceActs).toEqual([
      { stateName: 'Redrive', executionArn: run.event.detail.executionArn, roleArn: role, allowed: true },
      { stateName: 'Mute', executionArn: machine, roleArn: role, allowed: true },
    ]);
    expect(h.pipeline.actions?.sfnCalls.map((c) => [c.api, c.executionArn])).toEqual([
      ['RedriveExecution', run.event.detail.executionArn],
    ]);
    // An hour from the click (the actions machine runs on the same virtual clock, within seconds of it).
    const until = Date.parse(h.pipeline.tags.get(machine)?.[TAG_KEYS.muteUntil] ?? '');
    expect(until - clickedAt).toBeGreaterThanOrEqual(3600_000);
    expect(until - clickedAt).toBeLessThan(3600_000 + 60_000);
  });

  it("redrives a run of another region once (double click) through the act-in-region function, with that account's act role in that region", async () => {
    const run = moved('777788889999', 'eu-west-1', 'run-far');
    h = await centralWithActions([run]);
    const first = await click(run, 'sfn-slack:redrive');
    expect(first.outcome).toBe('started');
    expect(h.pipeline.actions?.lastMachine?.output).toMatchObject({ outcome: 'done' });
    const calls = h.pipeline.actions?.lastCalls.map((c) => c.api);
    expect(calls).toContain('Lambda.Invoke');
    const second = await click(run, 'sfn-slack:redrive');
    expect(second.outcome).toBe('started');
    expect(h.pipeline.actions?.lastMachine?.output).toMatchObject({ outcome: 'duplicate' });
    const executionArn = run.event.detail.executionArn;
    // One act, with the act role of the run's own account and region, made in that region.
    expect(h.pipeline.actions?.sourceActs).toEqual([
      {
        stateName: 'RedriveInRegion',
        executionArn,
        roleArn: actionRoleArn('aws', '777788889999', ENVIRONMENT, 'eu-west-1'),
        allowed: true,
      },
    ]);
    expect(h.pipeline.actions?.sfnCalls).toEqual([
      {
        api: 'RedriveExecution',
        executionArn,
        clientToken: createHash('sha256').update(`${executionArn}#0`).digest('hex'),
      },
    ]);
    // The parent is edited as for a run of the central region: the Redrive button gone, who did it.
    const [parent] = h.slack.conversations().C0ALERTS ?? [];
    expect(JSON.stringify(parent?.blocks)).toContain('sfn-slack:redrive');
    const edited = parent?.edits.at(-1);
    expect(JSON.stringify(edited?.blocks)).not.toContain('sfn-slack:redrive');
    expect(JSON.stringify(edited?.blocks)).toContain('Redriven by <@U0ALICE>');
    expect(parent?.replies.map((r) => r.text)).toContainEqual(
      ':repeat: <@U0ALICE> redrove this run from Slack (redrive 1).'
    );
  });

  it("mutes the machine of a run of another region through the act-in-region function, with that account's act role in that region: its next failure is held", async () => {
    const run = moved('777788889999', 'eu-west-1', 'run-far-mute');
    const next = moved('777788889999', 'eu-west-1', 'run-far-next');
    h = await centralWithActions([run, next]);
    await h.pipeline.notify(run.event);
    await h.pipeline.deliver();
    // The Mute buttons are shown on a run of another region too.
    expect(JSON.stringify(h.slack.messages().at(-1)?.blocks)).toContain('sfn-slack:mute:3600');
    const clickedAt = h.clock.now();
    const answer = await click(run, 'sfn-slack:mute:3600');
    expect(answer.outcome).toBe('started');
    expect(h.pipeline.actions?.lastMachine?.output).toMatchObject({ outcome: 'done', action: 'mute' });
    const machine = run.event.detail.executionArn.replace(/:execution:([^:]+):.*$/, ':stateMachine:$1');
    // One tag, with the act role of the run's own account and region, made in that region (the role's region is
    // in its name, the call's in the ARN the stand-in checks against the client's region).
    expect(h.pipeline.actions?.sourceActs).toEqual([
      {
        stateName: 'MuteInRegion',
        executionArn: machine,
        roleArn: actionRoleArn('aws', '777788889999', ENVIRONMENT, 'eu-west-1'),
        allowed: true,
      },
    ]);
    expect(h.pipeline.actions?.lastCalls.map((c) => c.api)).toContain('Lambda.Invoke');
    expect(h.pipeline.actions?.sfnCalls).toEqual([]);
    const until = Date.parse(h.pipeline.tags.get(machine)?.[TAG_KEYS.muteUntil] ?? '');
    expect(until - clickedAt).toBeGreaterThanOrEqual(3600_000);
    expect(until - clickedAt).toBeLessThan(3600_000 + 60_000);
    const [parent] = h.slack.conversations().C0ALERTS ?? [];
    expect(JSON.stringify(parent?.edits.at(-1)?.blocks)).toContain(':mute: Muted for 1 h by <@U0ALICE>');
    // The machine's next failure, inside the hour, is held: not posted, only counted in the summary at the mute's
    // end (the local notifier waits that hour out on the virtual clock).
    const posted = h.slack.messages().length;
    const notifier = await h.pipeline.notify(next.event);
    expect(notifier.status).toBe('SUCCEEDED');
    const entered = notifier.events.map((e) => (e.type.endsWith('StateEntered') ? e.stateName : undefined));
    // The formatter read the machine's tags in its region, with the source read role, and held it.
    expect(entered).toContain('HoldWhileMuted');
    await h.pipeline.deliver();
    const added = h.slack.messages().slice(posted);
    expect(added.map((m) => m.text)).toEqual([
      expect.stringMatching(/^nightly-etl was muted until .*: 1 notification held, not posted/),
    ]);
    expect(added.some((m) => allText(m).includes('run-far-next'))).toBe(false);
  });
});
