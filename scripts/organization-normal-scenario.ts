/**
 * Writes examples/scenarios/organization-normal.scenario.json from is-this-normal.scenario.json (run
 * scripts/is-this-normal-scenario.ts first): the same runs in a central environment (issue 24), in source account
 * 111122223333 of eu-west-1, routed by account (`nightly-`) and by the `team` tag (`weekly-`); the same weekly job
 * without the tag (`weekly-audit`, which no route takes); the last three nights of a `nightly-orders` of account
 * 777788889999 (its own channel); the payments account's last ListExecutions refused; and the daily digest of each
 * channel at 02:00 Berlin time on 13 November, whose window holds the 12th's failures.
 * `npx tsx scripts/organization-normal-scenario.ts` rewrites it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PAYMENTS = '111122223333';
const ANALYTICS = '777788889999';
/** The account is-this-normal runs in. */
const SOURCE_ACCOUNT = '123456789012';

type Step = { at: number; [key: string]: unknown };
interface EventStep extends Step {
  event: { id: string; detail: { name: string } };
  tags?: Record<string, string>;
}

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'scenarios');
const source = JSON.parse(readFileSync(path.join(dir, 'is-this-normal.scenario.json'), 'utf8')) as {
  steps: Step[];
};

/** A step of is-this-normal as if it ran in `account` (optionally another machine, `shift` seconds later). */
function moved(step: EventStep, account: string, rename?: [string, string], shift = 0): EventStep {
  let text = JSON.stringify(step).replaceAll(SOURCE_ACCOUNT, account);
  if (rename) text = text.replaceAll(rename[0], rename[1]);
  const out = JSON.parse(text) as EventStep;
  out.at += shift;
  out.event.id = `${out.event.id.replace('is-this-normal', 'organization-normal')}${account === PAYMENTS ? '' : `-${account}`}`;
  return out;
}

const environment = {
  account: '444455556666',
  region: 'us-east-1',
  sources: { accounts: [PAYMENTS, ANALYTICS], regions: ['eu-west-1'] },
  destination: { type: 'channel', channel: 'C0PLATFORM' },
  digest: { at: '02:00', timeZone: 'Europe/Berlin' },
  routes: [
    {
      name: 'payments-nightly',
      match: { stateMachineNamePrefixes: ['nightly-'], accounts: [PAYMENTS] },
      destination: { channel: 'C0PAYMENTS' },
    },
    {
      name: 'reports-team',
      match: { stateMachineNamePrefixes: ['weekly-'], tags: { team: 'reports' } },
      destination: { channel: 'C0REPORTS1' },
    },
    {
      name: 'analytics',
      match: { stateMachineNamePrefixes: ['nightly-', 'weekly-'], accounts: [ANALYTICS] },
      destination: { channel: 'C0ANALYTIC' },
    },
  ],
};

const steps: Step[] = [];
let tagged = false;
for (const step of source.steps) {
  if (!('event' in step)) continue;
  const run = step as EventStep;
  const name = run.event.detail.name;
  if (name === 'nightly-orders-2026-11-13') {
    // The payments account's read of its recent runs is refused: the message still goes out, without context.
    steps.push({ at: run.at - 1, sfn: { fail: 'denied', api: 'ListExecutions' } });
  }
  const payments = moved(run, PAYMENTS);
  if (name.startsWith('weekly-report') && !tagged) {
    payments.tags = { team: 'reports' };
    tagged = true;
  }
  steps.push(payments);
  if (name.startsWith('weekly-report')) {
    // The same job without the team tag: no route takes it, no digest lists it.
    steps.push(moved(run, PAYMENTS, ['weekly-report', 'weekly-audit'], 60));
  }
  if (name.startsWith('nightly-') && name >= 'nightly-orders-2026-11-11') {
    // The analytics account runs a nightly-orders machine too: its own channel only.
    steps.push(moved(run, ANALYTICS, undefined, 120));
  }
}
// 02:00 in Berlin (01:00 UTC) on 13 November: the window holds the 12th, both accounts' failed nights and the weekly
// failures.
steps.push({ at: 1_031_220, digest: true });
steps.sort((a, b) => a.at - b.at);
writeFileSync(
  path.join(dir, 'organization-normal.scenario.json'),
  `${JSON.stringify({ environment, steps }, null, 2)}\n`
);
console.log(`wrote organization-normal (${steps.length} steps)`);
