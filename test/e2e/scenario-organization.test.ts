/**
 * The bundled two-account, two-region scenario (examples/scenarios/organization.scenario.json) as
 * `sfn-slack start --scenario <file> --report <file>` runs it: the central bus takes only the sources, routes pick
 * the channel by account and region, every message links to its execution's region, and each history is read with
 * the read role of the execution's own account and region.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScenario } from '../../cli/commands/start-run.js';
import { readRoleArn } from '../../contract/sources.js';
import { parseScenario, SCENARIO_ENVIRONMENT, type ScenarioReport } from '../../local/scenario.js';
import { allText, repoRoot } from './helpers.js';

const dir = path.join(repoRoot, 'examples', 'scenarios');
const example = path.join(dir, 'organization.scenario.json');

let out: string;
let report: ScenarioReport;
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'sfn-slack-org-scenario-'));
  const lines: string[] = [];
  const file = path.join(tmp, 'report.json');
  await startScenario(
    { scenario: example, report: file, out: path.join(tmp, 'preview.html') },
    { stdout: (t: string) => lines.push(t), stderr: () => {}, env: {}, progressAfterMs: 60_000 }
  );
  out = lines.join('');
  report = JSON.parse(await readFile(file, 'utf8')) as ScenarioReport;
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const PAYMENTS = '111122223333';
const ANALYTICS = '777788889999';
const arn = (account: string, region: string) =>
  `arn:aws:states:${region}:${account}:execution:etl-orders:nightly-2026-11-24`;
const consoleLink = (execution: string) => {
  const region = execution.split(':')[3];
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${execution}`;
};
/** The executions each channel's messages link to. */
const linkedIn = (channel: string) =>
  (report.channels[channel] ?? []).map((message) => {
    const found = allText(message).match(/https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/states\/[^\s|>]+/);
    return found?.[0] ?? '';
  });

describe('the two-account, two-region scenario', () => {
  it('routes each execution to its account’s channel, and those of us-east-1 also to its on-call channel', () => {
    expect(Object.keys(report.channels).sort()).toEqual(['C0ANALYTIC', 'C0PAYMENTS', 'C0USONCALL']);
    expect(linkedIn('C0PAYMENTS').sort()).toEqual(
      [arn(PAYMENTS, 'eu-west-1'), arn(PAYMENTS, 'us-east-1')].map(consoleLink).sort()
    );
    expect(linkedIn('C0ANALYTIC').sort()).toEqual(
      [arn(ANALYTICS, 'eu-west-1'), arn(ANALYTICS, 'us-east-1')].map(consoleLink).sort()
    );
    expect(linkedIn('C0USONCALL').sort()).toEqual(
      [arn(PAYMENTS, 'us-east-1'), arn(ANALYTICS, 'us-east-1')].map(consoleLink).sort()
    );
    // The default channel gets nothing: every execution matched a route.
    expect(report.channels.C0PLATFORM).toBeUndefined();
    expect(report.deadLetters).toEqual([]);
  });

  it('links each message to the console of its execution’s region only, with the history’s details', () => {
    for (const [channel, messages] of Object.entries(report.channels)) {
      for (const [i, message] of messages.entries()) {
        const region = linkedIn(channel)[i]?.match(/region=([a-z0-9-]+)/)?.[1] ?? '';
        const text = allText(message);
        const hosts = new Set(text.match(/https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com/g));
        expect(hosts).toEqual(new Set([`https://${region}.console.aws.amazon.com`]));
        expect(text).toContain('RejectBatch');
        expect(text).toContain('Orders.BatchRejected');
      }
    }
  });

  it('reads each history with the read role of the execution’s own account and region, and no other', () => {
    const all = report.sourceReads ?? [];
    // The run context's ListExecutions names the machine (below); the history's reads name the execution.
    const reads = all.filter((read) => read.action !== 'ListExecutions');
    const sourced = [PAYMENTS, ANALYTICS].flatMap((a) => ['eu-west-1', 'us-east-1'].map((r) => arn(a, r)));
    expect([...new Set(reads.map((read) => read.executionArn))].sort()).toEqual([...sourced].sort());
    const machineOf = (execution: string) =>
      execution.replace(/:execution:([^:]+):[^:]+$/, ':stateMachine:$1');
    expect(
      all
        .filter((read) => read.action === 'ListExecutions')
        .map((read) => [read.executionArn, read.roleArn, read.allowed])
        .sort()
    ).toEqual(
      sourced
        .map((execution) => {
          const [, , , region = '', account = ''] = execution.split(':');
          return [machineOf(execution), readRoleArn('aws', account, SCENARIO_ENVIRONMENT, region), true];
        })
        .sort()
    );
    for (const read of reads) {
      const [, , , region = '', account = ''] = read.executionArn.split(':');
      expect(read).toMatchObject({
        roleArn: readRoleArn('aws', account, SCENARIO_ENVIRONMENT, region),
        allowed: true,
      });
    }
    // The notifier's own region (us-east-1 locally): the first page by FetchHistory, the definition by the
    // formatter; another region: both by the formatter.
    for (const execution of sourced) {
      expect(reads.filter((read) => read.executionArn === execution).map((read) => read.stateName)).toEqual(
        execution.includes(':us-east-1:') ? ['FetchHistory', 'formatter'] : ['formatter', 'formatter']
      );
    }
    // The first page (or the history), the definition, and the run context's recent runs.
    expect(out).toContain(
      `read as ${readRoleArn('aws', ANALYTICS, SCENARIO_ENVIRONMENT, 'us-east-1')}: 3 read(s)\n`
    );
  });

  it('the bus refuses an account outside the sources and a region without a forwarding rule', () => {
    const all = JSON.stringify(report);
    expect(all).not.toContain('999900001111');
    expect(all).not.toContain('ap-southeast-2');
    expect(out).toContain(
      "2 event(s) not matched by the environment's rule (status or state machine, or not from a source account and region)"
    );
  });
});

describe('a central scenario’s mistakes', () => {
  const environment = {
    account: '444455556666',
    region: 'us-east-1',
    sources: { accounts: [PAYMENTS], regions: ['eu-west-1'] },
  };
  const event = {
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: PAYMENTS,
    region: 'eu-west-1',
    detail: { executionArn: arn(PAYMENTS, 'eu-west-1'), status: 'FAILED' },
  };
  const step = { at: 0, event, history: 'organization.failed.history.json' };

  it('refuses a central region other than the local pipeline’s, saying which to set', async () => {
    await expect(
      parseScenario({ environment: { ...environment, region: 'eu-west-1' }, steps: [step] }, dir)
    ).rejects.toThrow(
      `the scenario environment's region is eu-west-1; the local pipeline runs the central notifier in us-east-1: set "region": "us-east-1" (source regions go in sources.regions)`
    );
  });

  it('refuses an event without the envelope account and region the notifier builds the role from', async () => {
    const { account: _account, region: _region, ...withoutEnvelope } = event;
    await expect(
      parseScenario({ environment, steps: [{ ...step, event: withoutEnvelope }] }, dir)
    ).rejects.toThrow(/^step 0\.event has no account or region; .*add "account" and "region"$/);
  });
});
