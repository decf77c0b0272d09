/**
 * `start --serve --actions`: the local Slack page has one plain form per action button (no script), and posting it
 * clicks with a signed request through the local interactivity endpoint and actions machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPipeline } from '../../local/pipeline.js';
import { LOCAL_CLICK_USER } from '../../local/slack-server/page.js';
import { examples, historiesOf, quietFormatter } from '../e2e/helpers.js';

const example = examples.failed();
const everyone = { users: [LOCAL_CLICK_USER], userGroups: [] };
let pipeline: LocalPipeline;

beforeAll(async () => {
  pipeline = await LocalPipeline.create({
    history: historiesOf([example]),
    formatter: quietFormatter,
    actions: {
      policy: { redrive: everyone, stop: everyone, mute: everyone },
      watched: [example.event.detail.stateMachineArn as string],
    },
  });
  await pipeline.run(example.event);
});
afterAll(async () => {
  await pipeline.close();
});

const page = async () => (await fetch(`${pipeline.slack?.url}/`)).text();

describe('the local Slack page with actions', () => {
  it('shows a click form for each action button, and no script', async () => {
    const html = await page();
    expect(html).toContain('name="action_id" value="sfn-slack:redrive"');
    expect(html).toContain('name="action_id" value="sfn-slack:mute:86400"');
    expect(html).not.toMatch(/<script/i);
  });

  it('a posted form clicks with a signed request: one redrive, the message edited, Redrive gone from the page', async () => {
    const parent = pipeline.slack?.messages()[0];
    const form = new URLSearchParams({
      channel: parent?.channel ?? '',
      ts: parent?.ts ?? '',
      action_id: 'sfn-slack:redrive',
      user: LOCAL_CLICK_USER,
    });
    const response = await fetch(`${pipeline.slack?.url}/_local/click`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(pipeline.actions?.sfnCalls).toEqual([
      expect.objectContaining({ api: 'RedriveExecution', executionArn: example.event.detail.executionArn }),
    ]);
    const html = await page();
    expect(html).toContain('Redriven by');
    expect(html).not.toContain('value="sfn-slack:redrive"');
  });
});
