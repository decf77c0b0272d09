/** HTTP Task permissions: POST by exact URL, GET (query parameters) by StringLike with a trailing `*`. */
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { SLACK_ACTION_METHODS } from '../../contract/actions.js';
import { SLACK_API_METHODS } from '../../contract/message-store.js';
import { invokeHttpStatements } from '../../infra/http-task-permissions.js';
import { testOutdir } from './helpers.js';

const MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:m';
const json = (calls: Parameters<typeof invokeHttpStatements>[1]) =>
  new Stack(new App({ outdir: testOutdir() })).resolve(
    invokeHttpStatements(MACHINE, calls).map((st) => st.toStatementJson())
  );

describe('invokeHttpStatements', () => {
  it('one statement per method, on the machine itself: POST exact, GET StringLike with a trailing *', () => {
    expect(json(SLACK_ACTION_METHODS)).toEqual([
      {
        Action: 'states:InvokeHTTPEndpoint',
        Effect: 'Allow',
        Resource: MACHINE,
        Condition: {
          StringEquals: {
            'states:HTTPMethod': 'POST',
            'states:HTTPEndpoint': [
              'https://slack.com/api/chat.update',
              'https://slack.com/api/chat.postMessage',
              'https://slack.com/api/chat.postEphemeral',
            ],
          },
        },
      },
      {
        Action: 'states:InvokeHTTPEndpoint',
        Effect: 'Allow',
        Resource: MACHINE,
        Condition: {
          StringEquals: { 'states:HTTPMethod': 'GET' },
          StringLike: { 'states:HTTPEndpoint': ['https://slack.com/api/usergroups.users.list*'] },
        },
      },
    ]);
  });

  it("fits the delivery machine's GET look-ups too (conversations.history, conversations.replies)", () => {
    const get = (
      json(SLACK_API_METHODS) as Array<{ Condition: Record<string, Record<string, unknown>> }>
    ).find((st) => st.Condition.StringEquals?.['states:HTTPMethod'] === 'GET');
    expect(get?.Condition.StringLike?.['states:HTTPEndpoint']).toEqual(
      SLACK_API_METHODS.filter((m) => m.method === 'GET').map((m) => `${m.url}*`)
    );
  });
});
