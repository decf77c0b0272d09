/**
 * "Is this normal?" in a central environment (issue 24), end to end: examples/scenarios/organization-normal runs two
 * weeks of nightly runs of source accounts in eu-west-1 through the local central pipeline (its notifier in
 * us-east-1). The formatter reads each run's context and the daily digest with the read role of the machine's own
 * account and region, there (the local STS and SFN endpoints check the role as the source account's IAM would), and
 * each digest sums up exactly the machines its routes send news of: a route's account and tag conditions apply.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRoleArn } from '../../contract/sources.js';
import {
  readScenario,
  runScenario,
  SCENARIO_ENVIRONMENT,
  type Scenario,
  type ScenarioReport,
} from '../../local/scenario.js';
import { contextLines, quietFormatter, repoRoot } from './helpers.js';

const file = path.join(repoRoot, 'examples', 'scenarios', 'organization-normal.scenario.json');
const PAYMENTS = '111122223333';
const ANALYTICS = '777788889999';
const REGION = 'eu-west-1';
const execution = (account: string, machine: string, day: number) =>
  `arn:aws:states:${REGION}:${account}:execution:${machine}:${machine}-2026-11-${String(day).padStart(2, '0')}`;
const consoleLink = (arn: string) =>
  `https://${REGION}.console.aws.amazon.com/states/home?region=${REGION}#/v2/executions/details/${arn}`;

type Message = ScenarioReport['channels'][string][number];
let scenario: Scenario;
let report: ScenarioReport;

beforeAll(async () => {
  scenario = await readScenario(file);
  const started = Date.now();
  ({ report } = await runScenario(scenario, { formatter: quietFormatter }));
  // The refused read costs at most the context's budget of real time.
  expect(Date.now() - started).toBeLessThan(45_000);
}, 90_000);

const messagesOf = (channel: string) => report.channels[channel] ?? [];
const runMessages = (channel: string) =>
  messagesOf(channel).filter((m) => !(m.text ?? '').startsWith('Daily digest'));

/** A run's message in a channel, by its execution ARN (its console link and button name it). */
function of(channel: string, arn: string): Message {
  // Its own message names the execution ARN as code; a later run's context may link it as the "last success".
  const found = runMessages(channel).find((m) => JSON.stringify(m.blocks).includes(`${arn}\``));
  if (!found) throw new Error(`no message for ${arn} in ${channel}`);
  return found;
}

function digestOf(channel: string): Message {
  const digests = messagesOf(channel).filter((m) => (m.text ?? '').startsWith('Daily digest'));
  expect(digests).toHaveLength(1);
  return digests[0] as Message;
}

describe('run context of a source account’s machine', () => {
  it('flags the slow night and says the streak and the same error, linked to the source region’s console', () => {
    const nightly = (day: number) => execution(PAYMENTS, 'nightly-orders', day);
    expect(contextLines(of('C0PAYMENTS', nightly(9)))).toEqual([
      ':snail: took 2h 14m — usually about 35m 30s (median of the last 8 successful runs)',
    ]);
    expect(contextLines(of('C0PAYMENTS', nightly(10)))).toContain(':new: first failure after 9 successes');
    const third = contextLines(of('C0PAYMENTS', nightly(12)));
    expect(third).toContain(
      `:repeat: 3rd failure in a row — <${consoleLink(nightly(9))}|last success> 3 days ago`
    );
    expect(third.find((l) => l.startsWith(':recycle:'))).toContain(
      `same \`States.TaskFailed\` in *Load* as the <${consoleLink(nightly(11))}|previous failure>`
    );
  });

  it('counts each account’s runs apart: the other account’s machine of the same name has its own streak', () => {
    const second = contextLines(of('C0ANALYTIC', execution(ANALYTICS, 'nightly-orders', 12)));
    expect(second[0]).toMatch(/^:repeat: 2nd failure in a row/);
    expect(second.join('\n')).toContain(consoleLink(execution(ANALYTICS, 'nightly-orders', 11)));
    expect(second.join('\n')).not.toContain(PAYMENTS);
  });

  it('a refused ListExecutions leaves the context out, and the message is on time', () => {
    const last = of('C0PAYMENTS', execution(PAYMENTS, 'nightly-orders', 13));
    // Read, this success would say "first success after 3 failures in a row".
    expect(contextLines(last)).toEqual([]);
    const step = scenario.steps.find(
      (s) => 'event' in s && s.event.detail.executionArn === execution(PAYMENTS, 'nightly-orders', 13)
    );
    const due = Date.UTC(2026, 10, 1, 2, 33) / 1000 + (step?.at ?? Number.NaN);
    expect(Number(last.ts)).toBeGreaterThanOrEqual(due);
    expect(Number(last.ts)).toBeLessThan(due + 1);
  });

  it('reads every run, list and machine with the read role of its own account and region, there', () => {
    const reads = report.sourceReads ?? [];
    const actions = new Set(reads.map((r) => r.action));
    for (const action of [
      'ListExecutions',
      'ListStateMachines',
      'DescribeExecution',
      'GetExecutionHistory',
    ]) {
      expect(actions).toContain(action);
    }
    for (const read of reads) {
      const [, , , region = '', account = ''] = read.executionArn.split(':');
      expect(read).toMatchObject({
        roleArn: readRoleArn('aws', account, SCENARIO_ENVIRONMENT, region),
        allowed: true,
      });
    }
    // Both accounts' machines were listed for the digests, each with its own role.
    const listed = reads
      .filter((r) => r.action === 'ListStateMachines')
      .map((r) => r.executionArn.split(':')[4]);
    expect(new Set(listed)).toEqual(new Set([PAYMENTS, ANALYTICS]));
  });
});

describe('daily digests of a central environment', () => {
  it('posts one digest per destination, each listing only the machines whose news its routes send there', () => {
    const payments = JSON.stringify(digestOf('C0PAYMENTS').blocks);
    // The account condition: the analytics account's nightly-orders (same name prefix) is not in payments' digest.
    expect(payments).toContain(`${execution(PAYMENTS, 'nightly-orders', 12)}|`);
    expect(payments).not.toContain(ANALYTICS);
    const analytics = JSON.stringify(digestOf('C0ANALYTIC').blocks);
    expect(analytics).toContain(`${execution(ANALYTICS, 'nightly-orders', 12)}|`);
    expect(analytics).not.toContain(PAYMENTS);
    for (const channel of ['C0PAYMENTS', 'C0ANALYTIC', 'C0REPORTS1']) {
      expect(digestOf(channel).text).toContain('1 run of 1 machine in the last 24 h: 1 failed');
    }
    expect(report.channels.C0PLATFORM).toBeUndefined();
  });

  it('a tag-conditioned route’s digest lists only the machines carrying the tag', () => {
    const reports = JSON.stringify(digestOf('C0REPORTS1').blocks);
    expect(reports).toContain(`${execution(PAYMENTS, 'weekly-report', 12)}|`);
    // The same job without the team tag: no route takes it, so no channel heard of it, nor does any digest list it.
    for (const messages of Object.values(report.channels)) {
      expect(JSON.stringify(messages)).not.toContain('weekly-audit');
    }
    expect(runMessages('C0REPORTS1')).toHaveLength(4);
  });
});
