/**
 * Slack actions end to end on scenarios: the local Slack server clicks with signed requests, the interactivity
 * endpoint decides, the actions machine runs on the local runner, a Step Functions stand-in records
 * RedriveExecution and StopExecution, and a Mute button sets the tag the notifier holds notifications by.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TAG_KEYS } from '../../contract/routes.js';
import { parseScenario, runScenario, ScenarioError } from '../../local/scenario.js';
import type { ConversationMessage } from '../../local/slack-server/index.js';
import { quietFormatter, repoRoot } from './helpers.js';

const dir = path.join(repoRoot, 'examples', 'scenarios');
const CHANNEL = 'C0LOCAL001';
const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:nightly-etl:nightly-2026-11-24T02-00-00Z';
const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:nightly-etl';

async function run(raw: unknown) {
  const scenario = await parseScenario(raw, dir);
  const result = await runScenario(scenario, { formatter: quietFormatter, keepOpen: true });
  const items = await result.pipeline.store.items();
  const sfnCalls = [...(result.pipeline.actions?.sfnCalls ?? [])];
  const tags = new Map(result.pipeline.tags);
  await result.pipeline.close();
  return { report: result.report, items, sfnCalls, tags };
}

const bundled = async () =>
  JSON.parse(await readFile(path.join(dir, 'redrive-from-slack.scenario.json'), 'utf8'));
const buttonsOf = (blocks: unknown[] | undefined): string[] =>
  (blocks ?? []).flatMap((b) =>
    ((b as { elements?: Array<{ action_id?: string }> }).elements ?? []).flatMap((e) =>
      e.action_id ? [e.action_id] : []
    )
  );
const versions = (m: ConversationMessage) => [{ text: m.text, blocks: m.blocks }, ...m.edits];

describe('Slack actions on the local pipeline', () => {
  it('shows Redrive and Mute on a failure, Stop and Mute on a start; never Redrive on a running run', async () => {
    const { report } = await run(await bundled());
    const [message] = report.channels[CHANNEL] ?? [];
    const all = versions(message as ConversationMessage);
    expect(buttonsOf(all[0]?.blocks)).toEqual([
      'sfn-slack:stop',
      'sfn-slack:mute:3600',
      'sfn-slack:mute:86400',
    ]);
    expect(buttonsOf(all[1]?.blocks)).toEqual([
      'sfn-slack:redrive',
      'sfn-slack:mute:3600',
      'sfn-slack:mute:86400',
    ]);
  });

  it('refuses a bad signature, a stale timestamp and an unknown user with no AWS call; a double click redrives once', async () => {
    const { report, sfnCalls } = await run(await bundled());
    const [bad, stale, mallory, first, second] = report.actions ?? [];
    expect(bad).toMatchObject({ status: 401, outcome: 'bad-signature', awsCalls: [] });
    expect(stale).toMatchObject({ status: 401, outcome: 'stale', awsCalls: [] });
    expect(mallory).toMatchObject({ status: 200, outcome: 'not-allowed' });
    // The replay guard is the only write: nothing is started, redriven or stopped.
    expect(mallory?.awsCalls).toEqual([{ api: 'DynamoDB.PutItem', target: 'slack-request' }]);
    expect(mallory?.ephemeral).toMatch(/not allowed to redrive/);
    expect(first).toMatchObject({
      status: 200,
      outcome: 'started',
      machine: { status: 'SUCCEEDED', output: { outcome: 'done' } },
    });
    expect(first?.awsCalls.map((c) => c.api)).toEqual([
      'DynamoDB.PutItem',
      'StepFunctions.StartExecution',
      'DynamoDB.PutItem',
      'StepFunctions.RedriveExecution',
    ]);
    expect(second).toMatchObject({
      status: 200,
      outcome: 'started',
      machine: { output: { outcome: 'duplicate' } },
    });
    expect(second?.awsCalls.map((c) => c.api)).not.toContain('StepFunctions.RedriveExecution');
    expect(second?.ephemeral).toMatch(/Already redriven/);
    expect(sfnCalls).toEqual([
      {
        api: 'RedriveExecution',
        executionArn: EXECUTION,
        clientToken: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
  });

  it('updates the message (Redrive gone, who and when) and records it in the thread; the outcome follows as usual', async () => {
    const { report } = await run(await bundled());
    const [message, ...others] = report.channels[CHANNEL] ?? [];
    expect(others).toEqual([]);
    const afterClick = (message as ConversationMessage).edits[1];
    expect(buttonsOf(afterClick?.blocks)).toEqual([]);
    expect(JSON.stringify(afterClick?.blocks)).toContain(':repeat: Redriven by <@U0ALICE> at <!date^');
    expect(message?.replies.map((r) => r.text)).toEqual([
      expect.stringMatching(/^:x: Failed/),
      ':repeat: <@U0ALICE> redrove this run from Slack (redrive 1).',
      ':repeat: Redriven (redrive 1)',
      ':white_check_mark: Succeeded after redrive 1',
    ]);
    expect(message?.edits.at(-1)?.text).toMatch(/succeeded/);
  });

  it('refuses a forged button for a machine the environment does not watch, and a replayed request', async () => {
    const raw = await bundled();
    const scenario = await parseScenario({ ...raw, steps: raw.steps.slice(0, 2) }, dir);
    const { pipeline } = await runScenario(scenario, { formatter: quietFormatter, keepOpen: true });
    try {
      const slack = pipeline.slack;
      const actions = pipeline.actions;
      if (!slack || !actions) throw new Error('no local Slack or actions');
      const [parent] = slack.conversations()[CHANNEL] ?? [];
      // A message with a forged button (anyone may post one) pointing at a machine nobody watches.
      const forgedValue = JSON.stringify({
        e: 'arn:aws:states:eu-west-1:123456789012:execution:payments:pay-1',
        r: 0,
      });
      const { clickBody, signedHeaders } = await import('../../local/slack-clicks.js');
      const body = clickBody({
        user: 'U0ALICE',
        channel: CHANNEL,
        message: { ts: parent?.ts ?? '', blocks: [] },
        button: { action_id: 'sfn-slack:redrive', value: forgedValue },
      });
      const headers = signedHeaders(actions.signingSecret, body, pipeline.clock.now());
      const forged = await actions.handle({ method: 'POST', headers, rawBody: body });
      expect(forged.outcome).toBe('not-watched');
      expect(actions.lastCalls.map((c) => c.api)).toEqual(['DynamoDB.PutItem']);
      const replay = await actions.handle({ method: 'POST', headers, rawBody: body });
      expect(replay).toMatchObject({ status: 401, outcome: 'replayed' });
      expect(actions.lastCalls.map((c) => c.api)).toEqual(['DynamoDB.PutItem']);
      expect(actions.sfnCalls).toEqual([]);
    } finally {
      await pipeline.close();
    }
  });

  it('stops a running run (confirm dialog on the button) and mutes its state machine by its tag: later news is held, counted and summed up when the mute ends', async () => {
    const raw = await bundled();
    const { report, sfnCalls, tags } = await run({
      ...raw,
      steps: [
        raw.steps[0],
        { at: 60, click: { action: 'stop', user: 'U0ALICE', message: 0 } },
        { at: 70, click: { action: 'mute', user: 'U0ALICE', message: 0, for: 3600 } },
        raw.steps[1],
      ],
    });
    expect(sfnCalls).toEqual([{ api: 'StopExecution', executionArn: EXECUTION }]);
    const mute = report.actions?.[1];
    expect(mute?.awsCalls.map((c) => c.api)).toEqual([
      'DynamoDB.PutItem',
      'StepFunctions.StartExecution',
      'StepFunctions.TagResource',
    ]);
    expect(mute?.awsCalls[2]?.target).toBe(MACHINE);
    const [message, summary, ...others] = report.channels[CHANNEL] ?? [];
    expect(others).toEqual([]);
    // The failure (at 1020 s, inside the hour) was held: the parent still shows the start, edited twice by the clicks.
    expect(message?.edits).toHaveLength(2);
    expect(JSON.stringify(message?.edits[1]?.blocks)).toContain(
      ':mute: Muted for 1 h by <@U0ALICE>, until <!date^'
    );
    expect(message?.replies.map((r) => r.text)).toEqual([
      ':octagonal_sign: <@U0ALICE> stopped this run from Slack.',
      expect.stringMatching(
        /^:mute: <@U0ALICE> muted this state machine's notifications for 1 h, until <!date\^\d+\^\{date_short_pretty\} at \{time\}\|[0-9T:.-]+Z>\. They are counted and summed up when the mute ends\.$/
      ),
    ]);
    // The tag the notifier reads, as sfn-slack mute sets it; the count (in the store) is summed up at the mute's end.
    expect(tags.get(MACHINE)?.[TAG_KEYS.muteUntil]).toMatch(/^\d{4}-\d\d-\d\dT/);

    expect(summary?.text).toMatch(/^nightly-etl was muted until .*: 1 notification held, not posted/);
    const stopButton = JSON.stringify(report.channels[CHANNEL]?.[0]?.blocks);
    expect(stopButton).toContain('"confirm"');
  });

  it('a click step needs actions in the environment, and names the fix', async () => {
    await expect(
      parseScenario({ steps: [{ at: 0, click: { action: 'redrive', user: 'U0ALICE', message: 0 } }] }, dir)
    ).rejects.toThrow(
      new ScenarioError('step 0.click needs "actions" in the scenario environment (who may do what)')
    );
  });
});
