import { describe, expect, it } from 'vitest';
import { parseInteraction } from '../../../formatters/actions/payload.js';
import { actionButtons, withActionButtons } from '../../../formatters/formatter/buttons.js';
import { clickBody } from '../../../local/slack-clicks.js';
import { validateBlocks } from '../../../local/slack-server/index.js';

const executionArn = 'arn:aws:states:eu-west-1:111122223333:execution:nightly-etl:run-42';
const all = ['redrive', 'stop', 'mute'];
const ids = (status: string, extra: { actions?: string[]; redriveStatus?: string | null } = {}) =>
  actionButtons({
    actions: extra.actions ?? all,
    executionArn,
    status,
    redriveCount: 1,
    redriveStatus: extra.redriveStatus,
  }).map((b) => b.action_id);

describe('action buttons', () => {
  it('Redrive only where it can succeed: a failed, timed-out or aborted run still redrivable', () => {
    for (const status of ['FAILED', 'TIMED_OUT', 'ABORTED']) {
      expect(ids(status, { redriveStatus: 'REDRIVABLE' })).toContain('sfn-slack:redrive');
    }
    expect(ids('FAILED', { redriveStatus: 'NOT_REDRIVABLE' })).not.toContain('sfn-slack:redrive');
    expect(ids('SUCCEEDED')).toEqual(['sfn-slack:mute:3600', 'sfn-slack:mute:86400']);
  });

  it('Stop, behind a confirm dialog, only on a running run', () => {
    expect(ids('RUNNING')).toEqual(['sfn-slack:stop', 'sfn-slack:mute:3600', 'sfn-slack:mute:86400']);
    const stop = actionButtons({ actions: all, executionArn, status: 'RUNNING', redriveCount: 0 })[0];
    expect(stop?.confirm).toMatchObject({
      confirm: { text: 'Stop' },
      deny: { text: 'Cancel' },
      style: 'danger',
    });
  });

  it('only the actions the environment enables, and none without any', () => {
    expect(ids('FAILED', { actions: ['mute'] })).toEqual(['sfn-slack:mute:3600', 'sfn-slack:mute:86400']);
    expect(ids('FAILED', { actions: [] })).toEqual([]);
    expect(
      withActionButtons({ text: 'x' }, { actions: [], executionArn, status: 'FAILED', redriveCount: 0 })
    ).toEqual({ text: 'x' });
  });

  it('appends one valid actions block within Slack 50 blocks, and its buttons parse back to the execution', () => {
    const blocks = Array.from({ length: 50 }, (_, i) => ({
      type: 'section',
      text: { type: 'mrkdwn', text: `${i}` },
    }));
    const message = withActionButtons(
      { text: 'x', blocks },
      { actions: all, executionArn, status: 'FAILED', redriveCount: 2 }
    );
    expect(message.blocks).toHaveLength(50);
    expect(message.blocks?.at(-1)).toMatchObject({ type: 'actions', block_id: 'sfn-slack-actions' });
    expect(validateBlocks(message.blocks as unknown[])).toEqual([]);
    const last = (message.blocks ?? []).at(-1) as unknown as {
      elements: Array<{ action_id: string; value: string }>;
    };
    const button = last.elements[0];
    const parsed = parseInteraction(
      clickBody({
        user: 'U0ALICE',
        channel: 'C0123456789',
        message: { ts: '1.000001' },
        button: button as never,
      })
    );
    expect(parsed).toMatchObject({
      kind: 'action',
      request: { action: 'redrive', executionArn, redriveCount: 2 },
    });
  });

  it("records the event's account and region in the value, and shows no button for another account's or region's execution", () => {
    const context = { actions: all, executionArn, status: 'FAILED', redriveCount: 0 };
    const [redrive] = actionButtons({ ...context, account: '111122223333', region: 'eu-west-1' });
    expect(JSON.parse(redrive?.value ?? '{}')).toEqual({
      e: executionArn,
      r: 0,
      a: '111122223333',
      g: 'eu-west-1',
    });
    expect(actionButtons({ ...context, account: '444455556666', region: 'eu-west-1' })).toEqual([]);
    expect(actionButtons({ ...context, account: '111122223333', region: 'us-east-1' })).toEqual([]);
    // No (or no valid) envelope: the value names the execution alone, as before.
    const [plain] = actionButtons({ ...context, account: 'x', region: undefined });
    expect(JSON.parse(plain?.value ?? '{}')).toEqual({ e: executionArn, r: 0 });
  });
});
