/**
 * `states:InvokeHTTPEndpoint` for a state machine's HTTP Tasks, one statement per HTTP method. POST calls match
 * their exact URL (`StringEquals`). A GET call carries its arguments as query parameters, and whether the checked
 * `states:HTTPEndpoint` includes the query string is not documented, so GET URLs match with `StringLike` and a
 * trailing `*`, as AWS's examples do ("Call HTTPS APIs in Step Functions workflows";
 * ../shared/reference/aws-facts.md §10.3). The actions machine and the delivery machine (channel mode) use it:
 * their GET look-ups (conversations.history, conversations.replies, usergroups.users.list) match this way.
 */
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';

export interface HttpCall {
  readonly url: string;
  readonly method: string;
}

export function invokeHttpStatements(
  stateMachineArn: string,
  calls: readonly HttpCall[]
): iam.PolicyStatement[] {
  return [...new Set(calls.map((c) => c.method))].map((method) => {
    const urls = calls.filter((c) => c.method === method).map((c) => c.url);
    return new iam.PolicyStatement({
      actions: ['states:InvokeHTTPEndpoint'],
      resources: [stateMachineArn],
      conditions:
        method === 'GET'
          ? {
              StringEquals: { 'states:HTTPMethod': method },
              StringLike: { 'states:HTTPEndpoint': urls.map((url) => `${url}*`) },
            }
          : { StringEquals: { 'states:HTTPMethod': method, 'states:HTTPEndpoint': urls } },
    });
  });
}

/**
 * What an HTTP Task needs of its EventBridge connection: the credentials it injects, read from the connection's
 * own secret and nothing else.
 */
export function connectionStatements(connection: events.IConnection): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      actions: ['events:RetrieveConnectionCredentials'],
      resources: [connection.connectionArn],
    }),
    new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: [connection.connectionSecretArn],
    }),
  ];
}
