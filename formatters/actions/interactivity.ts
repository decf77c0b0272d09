/**
 * The interactivity endpoint's decision, for the Lambda (handler.ts) and the local pipeline alike: verify the
 * Slack signature, refuse a replay, parse the click, authorize it, then start the actions state machine and
 * answer at once (Slack wants an answer within 3 seconds; the machine does the slow work).
 *
 * Order matters, each step cheaper than the next and nothing reached before the checks above it pass:
 * 1. method, headers, timestamp within 5 minutes (no secret needed) → 401;
 * 2. signature, HMAC-SHA256 compared in constant time (the signing secret is read once and cached) → 401;
 * 3. replay: the signature is remembered with a conditional put in the message store (TTL) → 401 when seen;
 * 3b. workspace and app: the payload's `team_id` and `api_app_id` must be the configured ones (when configured)
 *    → 403, before the replay guard's AWS call (the payload is parsed first: 400 for what is not one);
 * 4. payload: only this app's buttons, strict shapes → 400, or 200 and nothing for other genuine payloads;
 * 5. authorization: the execution of the account and region of the event its message came from, a watched
 *    machine's execution, a listed user (or a listed group, checked by the machine) → 200 with an ephemeral
 *    refusal and nothing else;
 * 6. StartExecution of the actions machine (named after the request, so a retried start is the same run).
 */
import { createHash } from 'node:crypto';
import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { type ActionsPolicy, REQUEST_PARTITION, REQUEST_RETENTION_SECONDS } from '../../contract/actions.js';
import { authorize, refusalText } from './authorize.js';
import { type ActionRequest, PayloadError, parseInteraction } from './payload.js';
import { checkTimestamp, verifySlackSignature } from './signature.js';

export interface InteractivityConfig {
  /** Environment name, in refusals. */
  readonly environment: string;
  readonly stateMachineArn: string;
  /** The message store's table (replay guard). */
  readonly tableName: string;
  /** Watched state machine ARNs, and ARN prefixes ending in `*`. */
  readonly watched: readonly string[];
  readonly policy: ActionsPolicy;
  /**
   * The Slack workspace (`team_id`) whose clicks are accepted.
   * @default - any (settings warn)
   */
  readonly teamId?: string;
  /**
   * The Slack app (`api_app_id`) whose clicks are accepted.
   * @default - any app holding the signing secret (settings warn)
   */
  readonly appId?: string;
}

export interface InteractivityDeps {
  /** The signing secret; cache it (it is read on every genuine-looking request). */
  readonly signingSecret: () => Promise<string>;
  readonly dynamodb: DynamoDBClient;
  readonly sfn: SFNClient;
  /** Posts an ephemeral answer to a Slack response URL; failures are ignored (best effort, short timeout). */
  readonly respond: (responseUrl: string, body: Record<string, unknown>) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
}

export interface IncomingRequest {
  readonly method: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly rawBody: string;
}

export type Outcome =
  | 'started'
  | 'ping'
  | 'ignored'
  | 'not-allowed'
  | 'not-watched'
  | 'wrong-source'
  | 'wrong-team'
  | 'wrong-app'
  | 'method-not-allowed'
  | 'missing-signature'
  | 'stale'
  | 'bad-signature'
  | 'replayed'
  | 'bad-payload';

export interface InteractivityAnswer {
  readonly status: number;
  readonly body: string;
  readonly outcome: Outcome;
  /** The actions machine's execution, when one was started. */
  readonly executionArn?: string;
}

/** What the actions machine receives (no response URL: it is a credential to answer as the app). */
export interface ActionsMachineInput extends Omit<ActionRequest, 'responseUrl'> {
  /** Groups that may allow a user who is not listed; the machine asks Slack. Empty when the user is listed. */
  readonly userGroups: readonly string[];
}

const answer = (status: number, outcome: Outcome, body = ''): InteractivityAnswer => ({
  status,
  outcome,
  body,
});

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Handles one request; never throws for anything a client can send (an AWS failure does throw: 500). */
export async function handleInteraction(
  request: IncomingRequest,
  config: InteractivityConfig,
  deps: InteractivityDeps
): Promise<InteractivityAnswer> {
  if (request.method !== 'POST') return answer(405, 'method-not-allowed');
  const nowSeconds = Math.floor((deps.now ?? Date.now)() / 1000);
  const timestamp = request.headers['x-slack-request-timestamp'];
  const signature = request.headers['x-slack-signature'];
  const early = checkTimestamp(timestamp, nowSeconds);
  if (early === 'missing' || signature === undefined) return answer(401, 'missing-signature');
  if (early === 'stale') return answer(401, 'stale');
  const refusal = verifySlackSignature(
    { timestamp, signature, rawBody: request.rawBody },
    await deps.signingSecret(),
    nowSeconds
  );
  if (refusal)
    return answer(
      401,
      refusal === 'mismatch' ? 'bad-signature' : refusal === 'stale' ? 'stale' : 'missing-signature'
    );

  let parsed: ReturnType<typeof parseInteraction>;
  try {
    parsed = parseInteraction(request.rawBody);
  } catch (error) {
    if (error instanceof PayloadError) return answer(400, 'bad-payload');
    throw error;
  }
  if (parsed.kind === 'ping') return answer(200, 'ping', JSON.stringify({ ok: true }));
  // Signed with our secret, but from another workspace the app is installed in, or another app sharing the secret:
  // refused before any AWS call.
  if (config.teamId !== undefined && parsed.origin.teamId !== config.teamId) return answer(403, 'wrong-team');
  if (config.appId !== undefined && parsed.origin.appId !== config.appId) return answer(403, 'wrong-app');

  // A signed request is accepted once: the same signature again is a replay, whoever sends it.
  const requestKey = sha256(signature);
  if (!(await rememberRequest(deps.dynamodb, config.tableName, requestKey, Number(timestamp)))) {
    return answer(401, 'replayed');
  }
  if (parsed.kind === 'ignored') return answer(200, 'ignored');

  const { responseUrl, ...click } = parsed.request;
  const decision = authorize(click, config.policy, config.watched);
  if (decision.kind === 'refused') {
    if (responseUrl) {
      await deps.respond(responseUrl, {
        response_type: 'ephemeral',
        replace_original: false,
        text: refusalText(decision.reason, click.action, config.environment),
      });
    }
    return answer(200, decision.reason);
  }
  const input: ActionsMachineInput = {
    ...click,
    userGroups: decision.kind === 'check-groups' ? decision.userGroups : [],
  };
  const started = await deps.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: config.stateMachineArn,
      name: `${click.action}-${requestKey.slice(0, 64)}`,
      input: JSON.stringify(input),
    })
  );
  return {
    ...answer(200, 'started'),
    ...(started.executionArn ? { executionArn: started.executionArn } : {}),
  };
}

/** True the first time a request key is seen; the item expires after the signature window. */
async function rememberRequest(
  dynamodb: DynamoDBClient,
  tableName: string,
  key: string,
  timestampSeconds: number
): Promise<boolean> {
  try {
    await dynamodb.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          pk: { S: REQUEST_PARTITION },
          sk: { S: key },
          expiresAt: { N: String(timestampSeconds + REQUEST_RETENTION_SECONDS) },
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      })
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
