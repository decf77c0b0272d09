import { describe, expect, it } from 'vitest';
import {
  executionNameOf,
  isExecutionArn,
  parseArn,
  stateMachineArnOf,
  stateMachineNameOf,
} from '../../contract/arns.js';

const machine = 'arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl';
const version = `${machine}:3`;
const alias = `${machine}:prod`;
const execution = 'arn:aws:states:eu-west-1:111122223333:execution:nightly-etl:run-42';
const china = 'arn:aws-cn:states:cn-north-1:111122223333:execution:nightly-etl:run-42';

describe('parseArn', () => {
  it('gives partition, service, region, account and the resource with its colons', () => {
    expect(parseArn(china)).toEqual({
      partition: 'aws-cn',
      service: 'states',
      region: 'cn-north-1',
      account: '111122223333',
      resource: 'execution:nightly-etl:run-42',
    });
  });

  it('gives undefined for what is not an ARN', () => {
    for (const text of [undefined, '', 'nightly-etl', 'arn:aws:states', 'urn:aws:states:r:a:x']) {
      expect(parseArn(text), String(text)).toBeUndefined();
    }
  });
});

describe('Step Functions ARNs', () => {
  it('name the state machine from its ARN, a version, an alias or an execution: never the qualifier', () => {
    for (const arn of [machine, version, alias, execution]) {
      expect(stateMachineNameOf(arn), arn).toBe('nightly-etl');
      expect(stateMachineArnOf(arn), arn).toBe(machine);
    }
    expect(stateMachineArnOf(china)).toBe(
      'arn:aws-cn:states:cn-north-1:111122223333:stateMachine:nightly-etl'
    );
  });

  it('name the execution from an execution ARN only; only a Standard one is an execution ARN for the commands', () => {
    expect(executionNameOf(execution)).toBe('run-42');
    const express = 'arn:aws:states:eu-west-1:111122223333:express:nightly-etl:run-42:0a1b2c3d';
    expect(executionNameOf(express)).toBe('run-42');
    expect(stateMachineArnOf(express)).toBe(machine);
    expect(isExecutionArn(express)).toBe(false);
    for (const arn of [machine, version, `${execution}:extra`, 'arn:aws:states:r:1:execution:m:']) {
      expect(executionNameOf(arn), arn).toBeUndefined();
    }
    expect(isExecutionArn(execution)).toBe(true);
    expect(isExecutionArn(machine)).toBe(false);
  });

  it('read nothing from another service’s ARN or another Step Functions resource', () => {
    for (const arn of [
      'arn:aws:lambda:eu-west-1:111122223333:function:nightly-etl',
      'arn:aws:states:eu-west-1:111122223333:activity:nightly-etl',
      'arn:aws:states:eu-west-1:111122223333:stateMachine:',
      'not an arn',
    ]) {
      expect(stateMachineNameOf(arn), arn).toBeUndefined();
      expect(stateMachineArnOf(arn), arn).toBeUndefined();
    }
  });
});
