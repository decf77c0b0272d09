/** `sfn-slack start --env`: the local run routes as the environment's deployed stack does. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartIo, startCommand } from '../../cli/commands/start-run.js';
import { CliError } from '../../cli/errors.js';
import { runCli } from '../cli/helpers.js';

let dir = '';
let cdkJson = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sfn-slack-start-routes-'));
  cdkJson = path.join(dir, 'cdk.json');
  // The bundled example is nightly-etl in 123456789012 eu-west-1, FAILED.
  await writeFile(
    cdkJson,
    JSON.stringify({
      context: {
        environments: {
          shared: {
            account: '123456789012',
            region: 'eu-west-1',
            destination: { type: 'channel', channel: '#ops' },
            routes: [
              {
                name: 'data',
                match: { stateMachineNamePrefixes: ['nightly-'], tags: { team: 'data' } },
                destination: { channel: '#data-alerts' },
                mention: '<!subteam^S0DATA>',
              },
              { name: 'ops', match: { stateMachineNamePrefixes: ['nightly-'] }, template: 'compact' },
              { name: 'quiet', match: { stateMachineNamePrefixes: ['nightly-'] }, statuses: ['SUCCEEDED'] },
            ],
          },
          elsewhere: {
            destination: { type: 'channel', channel: '#ops' },
            stateMachineNamePrefixes: ['payments-'],
          },
        },
      },
    })
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function io() {
  const out: string[] = [];
  const value: StartIo = {
    stdout: (t) => out.push(t),
    stderr: () => undefined,
    env: {},
    progressAfterMs: 60_000,
  };
  return { io: value, out };
}

describe('start --env', () => {
  it('sends one message per matching route, each to its channel with its template and mention', async () => {
    const run = io();
    await startCommand(
      { env: 'shared', cdkJson, tags: ['team=data'], out: path.join(dir, 'a.html') },
      run.io
    );
    const text = run.out.join('');
    expect(text).toContain('→ #data-alerts\n');
    expect(text).toContain('→ #ops\n');
    expect(text.indexOf('→ #data-alerts')).toBeLessThan(text.indexOf('→ #ops'));
    // The data route's mention goes with its message only.
    const [dataPart, opsPart] = text.split('→ #ops');
    expect(dataPart).toContain('@S0DATA');
    expect(opsPart).not.toContain('@S0DATA');
  });

  it('without the tag, only the route that does not need it', async () => {
    const run = io();
    await startCommand({ env: 'shared', cdkJson, out: path.join(dir, 'b.html') }, run.io);
    const text = run.out.join('');
    expect(text).not.toContain('→ #');
    expect(text).not.toContain('@S0DATA');
  });

  it('says so, in one line, when no route takes the execution', async () => {
    const error = await startCommand(
      { env: 'elsewhere', cdkJson, out: path.join(dir, 'c.html') },
      io().io
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    const message = (error as CliError).message;
    const suggested = /`(sfn-slack routes [^`]+)`/.exec(message)?.[1] ?? '';
    expect(message).toBe(
      `no route of elsewhere takes nightly-etl (FAILED), or it is muted: nothing is posted; \`${suggested}\` says why`
    );
    expect((error as CliError).exitCode).toBe(1);
    // The command it suggests asks the same question (the run's ARN, status and cdk.json) and gives the same answer.
    expect(suggested).toBe(
      `sfn-slack routes -e elsewhere --state-machine arn:aws:states:eu-west-1:123456789012:stateMachine:nightly-etl --status FAILED --cdk-json ${cdkJson}`
    );
    const routes = await runCli(suggested.split(' ').slice(1));
    expect(routes.code).toBe(0);
    expect(routes.stdout).toContain('no message: no route takes it');
  });
});
