/**
 * infra/constructs/notifier-machine.ts: the Express notifier option synthesizes the same definition as an EXPRESS
 * machine (5-minute timeout, every state logged, without execution data unless asked), refuses mute holds, and
 * runs on the local runner as the Standard one does; the Standard one keeps the logical IDs it always had.
 */
import { describe, expect, it } from 'vitest';
import { MESSAGE_STORE_TABLE_ENV } from '../../contract/message-store.js';
import { runStateMachine, substitute, VirtualClock } from '../../local/asl/index.js';
import { logicalId, synthNotifier } from './helpers.js';

const WATCHED = 'arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl';
const base = {
  stateMachineArns: [WATCHED],
  destination: { type: 'channel', channel: 'C0123456789' },
} as const;

function notifierOf(synth: ReturnType<typeof synthNotifier>) {
  const machines = synth.template.findResources('AWS::StepFunctions::StateMachine');
  return machines[logicalId(synth.stack, synth.notifier.notifierStateMachine)]?.Properties as {
    StateMachineType: string;
    DefinitionString: string;
    DefinitionSubstitutions: Record<string, unknown>;
    LoggingConfiguration: { Level: string; IncludeExecutionData: boolean };
  };
}

describe('notifierType', () => {
  it('standard (the default): a STANDARD machine whose timeout leaves room for mute holds, at its old logical ID', () => {
    const synth = synthNotifier(base);
    const notifier = notifierOf(synth);
    expect(notifier.StateMachineType).toBe('STANDARD');
    expect(JSON.parse(notifier.DefinitionString).TimeoutSeconds).toBe(8 * 24 * 3600);
    expect(logicalId(synth.stack, synth.notifier.notifierStateMachine)).toMatch(
      /^NotifierNotifierStateMachine/
    );
    expect(logicalId(synth.stack, synth.notifier.notifierLogGroup)).toMatch(/^NotifierNotifierLogGroup/);
    expect(synth.notifier.notifierType).toBe('standard');
  });

  it('express: the same definition as an EXPRESS machine, 5 minutes at most, every state in its log group', () => {
    const standard = notifierOf(synthNotifier(base));
    const synth = synthNotifier({ ...base, notifierType: 'express' });
    const express = notifierOf(synth);
    expect(express.StateMachineType).toBe('EXPRESS');
    const definition = JSON.parse(express.DefinitionString);
    expect(definition.TimeoutSeconds).toBe(300);
    expect(definition.States.Format.Arguments.Payload.settings.holdsMutes).toBe(false);
    // The same states; only the timeout and the settings' holdsMutes differ.
    const same = JSON.parse(express.DefinitionString);
    delete same.States.Format.Arguments.Payload.settings.holdsMutes;
    expect({ ...same, TimeoutSeconds: 0 }).toEqual({
      ...JSON.parse(standard.DefinitionString),
      TimeoutSeconds: 0,
    });
    // Its runs are seen through the logs only: every state, without the watched execution's data by default.
    expect(express.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    // No mute holds: no store grant, no table for the formatter.
    const formatter = Object.values(synth.template.findResources('AWS::Lambda::Function'))[0] as {
      Properties: { Environment?: { Variables?: Record<string, unknown> } };
    };
    expect(formatter.Properties.Environment?.Variables?.[MESSAGE_STORE_TABLE_ENV]).toBeUndefined();
  });

  it('express refuses mute and the Mute button with a clear error', () => {
    expect(() => synthNotifier({ ...base, notifierType: 'express', mute: true })).toThrow(
      /notifierType "express" cannot hold a muted machine's notifications/
    );
    expect(() =>
      synthNotifier({
        ...base,
        notifierType: 'express',
        actions: {
          policy: {
            redrive: { users: [], userGroups: [] },
            stop: { users: [], userGroups: [] },
            mute: { users: ['U0ALICE'], userGroups: [] },
          },
        },
      })
    ).toThrow(/notifierType "express"/);
  });

  it('express runs on the local runner: one page, one route in 4 transitions, within its 5 minutes', async () => {
    const express = notifierOf(synthNotifier({ ...base, notifierType: 'express' }));
    const definition = substitute(express.DefinitionString, {
      FormatterFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:formatter',
      QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/notify.fifo',
    });
    const entry = { Id: 'm0', MessageBody: '{}', MessageGroupId: 'C0123456789', MessageDeduplicationId: 'd' };
    const result = await runStateMachine(
      definition,
      {
        detail: {
          executionArn: `${WATCHED.replace(':stateMachine:', ':execution:')}:run-1`,
          status: 'FAILED',
        },
      },
      {
        resources: {
          'arn:aws:states:::aws-sdk:sfn:getExecutionHistory': async () => ({ Events: [] }),
          'arn:aws:states:::lambda:invoke': async () => ({
            Payload: { action: 'send', reason: 'r', entries: [entry] },
          }),
          'arn:aws:states:::aws-sdk:sqs:sendMessageBatch': async () => ({
            Successful: [{ Id: 'm0' }],
            Failed: [],
          }),
        },
        clock: new VirtualClock(),
      }
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(result.stateTransitions).toBe(4);
  });
});
