/**
 * Watched state machines encrypted with a customer managed KMS key (`kmsKeyArns`): every role that reads their
 * history or definition, or stops or redrives them, may kms:Decrypt the key through Step Functions only. A single
 * account grants the notifier, formatter and actions roles; a central environment grants the source accounts'
 * read and act roles (which do the reading and acting) and nothing to its own roles. cdk-nag runs in the app synth.
 */
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../contract/errors.js';
import { parseEnvironment } from '../../contract/settings.js';
import { buildApp } from '../../infra/build-app.js';
import { FORMATTER_FILES } from '../../infra/constructs/formatter-function.js';
import { watchedKeyStatements } from '../../infra/watched-keys.js';
import {
  cdkJsonContext,
  grants,
  logicalId,
  SKIP_BUNDLING,
  standInEntry,
  statementsOfRole,
  synthNotifier,
  testOutdir,
} from './helpers.js';

const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000001';
const US_KEY = 'arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000002';
type Json = Record<string, unknown>;

describe('a single-account environment with kmsKeyArns', () => {
  const policy = {
    redrive: { users: ['U0ALICE'], userGroups: [] },
    stop: { users: ['U0ALICE'], userGroups: [] },
    mute: { users: [], userGroups: [] },
  };
  const synth = synthNotifier({
    stateMachineNamePrefixes: ['etl-'],
    destination: { type: 'channel', channel: 'C0123456789' },
    watchedKmsKeyArns: [KEY],
    actions: { policy },
  });
  const plain = synthNotifier({
    stateMachineNamePrefixes: ['etl-'],
    destination: { type: 'channel', channel: 'C0123456789' },
    actions: { policy },
  });
  const roles = (s: typeof synth) => ({
    notifier: s.notifier.notifierStateMachine.role as IConstruct,
    formatter: s.notifier.formatter.role as IConstruct,
    actions: s.notifier.actions?.stateMachine.role as IConstruct,
  });

  it('the notifier, formatter and actions roles may kms:Decrypt the key, through Step Functions of its region only', () => {
    for (const [name, role] of Object.entries(roles(synth))) {
      const decrypt = grants(statementsOfRole(synth.template, logicalId(synth.stack, role)), 'kms:Decrypt');
      expect(
        decrypt.map((st) => synth.stack.resolve(st)),
        name
      ).toEqual([
        expect.objectContaining({
          Resource: KEY,
          Condition: {
            StringEquals: {
              'kms:ViaService': { 'Fn::Join': ['', ['states.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] },
            },
          },
        }),
      ]);
    }
  });

  it('without kmsKeyArns no role gets kms:Decrypt on a watched key', () => {
    for (const role of Object.values(roles(plain))) {
      expect(grants(statementsOfRole(plain.template, logicalId(plain.stack, role)), 'kms:Decrypt')).toEqual(
        []
      );
    }
  });

  it('keys of two regions: one statement per region, each held to that region', () => {
    const statements = watchedKeyStatements([KEY, US_KEY]).map((st) => st.toJSON());
    expect(statements.map((st) => [st.Resource, JSON.stringify(st.Condition)])).toEqual([
      [KEY, expect.stringContaining('states.eu-west-1.')],
      [US_KEY, expect.stringContaining('states.us-east-1.')],
    ]);
  });

  it('refuses what is not a key ARN (an alias), with the fix', () => {
    expect(() => watchedKeyStatements(['arn:aws:kms:eu-west-1:111122223333:alias/etl'])).toThrow(
      /kmsKeyArns: .* is not a KMS key ARN/
    );
  });
});

describe('a central environment with kmsKeyArns', () => {
  const outdir = testOutdir();
  const environments = cdkJsonContext().environments as Record<string, Json>;
  const app = buildApp(
    {
      outdir,
      context: {
        ...cdkJsonContext(),
        ...SKIP_BUNDLING,
        environments: {
          keys: {
            ...environments.org,
            kmsKeyArns: [KEY, US_KEY],
            actions: { stop: { users: ['U0ALICE'] } },
          },
        },
        env: 'keys',
      },
    },
    { standIns: [[FORMATTER_FILES, { entry: standInEntry }]] }
  );
  const assembly = app.synth();
  const template = (name: string) => assembly.getStackByName(name).template as Json;
  const central = template('SfnSlackNotifier-keys');
  const source = template('SfnSlackNotifierSource-keys');
  const policies = (t: Json) =>
    Object.values(t.Resources as Record<string, { Type: string; Properties: Json }>).filter(
      (r) => r.Type === 'AWS::IAM::Policy'
    );
  const decryptsOf = (t: Json, roleNameFragment: string) => {
    const roles = Object.entries(t.Resources as Record<string, { Type: string; Properties: Json }>)
      .filter(([, r]) => r.Type === 'AWS::IAM::Role')
      .filter(([, r]) => JSON.stringify(r.Properties.RoleName ?? '').includes(roleNameFragment))
      .map(([id]) => id);
    expect(roles, roleNameFragment).toHaveLength(1);
    return policies(t)
      .filter((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roles[0]))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Json[] }).Statement)
      .filter((st) => JSON.stringify(st.Action).includes('kms:Decrypt'));
  };

  it("the source stack's read and act roles may decrypt the keys through this region's Step Functions only", () => {
    for (const role of ['-read-', '-act-']) {
      expect(decryptsOf(source, role)).toEqual([
        {
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: [KEY, US_KEY],
          Condition: {
            StringEquals: {
              'kms:ViaService': {
                'Fn::Join': ['', ['states.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
              },
            },
          },
        },
      ]);
    }
  });

  it('the central roles get no kms:Decrypt: they read and act only through the source roles', () => {
    const all = policies(central).flatMap(
      (p) => (p.Properties.PolicyDocument as { Statement: Json[] }).Statement
    );
    expect(all.filter((st) => JSON.stringify(st.Action).includes('kms:Decrypt'))).toEqual([]);
  });
});

describe('kmsKeyArns in cdk.json', () => {
  const base = {
    account: '111122223333',
    region: 'eu-west-1',
    stateMachineNamePrefixes: ['etl-'],
    destination: { type: 'channel', channel: 'C0123456789' },
  };
  it('takes key ARNs of the environment region', () => {
    expect(parseEnvironment('prod', { ...base, kmsKeyArns: [KEY] }).kmsKeyArns).toEqual([KEY]);
  });
  it('refuses an alias, a key of a region it watches nothing in, with the key and the fix', () => {
    expect(() =>
      parseEnvironment('prod', { ...base, kmsKeyArns: ['arn:aws:kms:eu-west-1:111122223333:alias/etl'] })
    ).toThrow(/kmsKeyArns\[0\] is "arn:aws:kms:eu-west-1:111122223333:alias\/etl"; use KMS key ARNs/);
    expect(() => parseEnvironment('prod', { ...base, kmsKeyArns: [US_KEY] })).toThrow(ConfigError);
    expect(() => parseEnvironment('prod', { ...base, kmsKeyArns: [US_KEY] })).toThrow(
      /kmsKeyArns\[0\] is a key of us-east-1, where this environment watches no state machine \(eu-west-1\)/
    );
  });
});
