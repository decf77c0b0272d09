/**
 * The templates' output checked against `@slack/types`, the same types the formatter's code is compiled
 * against: every message made from the project fixtures (and the recorded corpus when present) is written
 * into a TypeScript source typed `KnownBlock[]` and type-checked by the TypeScript compiler.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../../contract/formatter.js';
import { formatExecution, plainTextMessage } from '../../../formatters/formatter/format.js';
import { bigHistory, HistoryBuilder } from '../../../local/history-builder.js';
import { loadFixture, repoRoot } from '../helpers/fixtures.js';

const CASES = [
  'abort',
  'caught-error',
  'ecs-failure-sdk-shape',
  'injection',
  'lambda-failure',
  'map-failed-iterations',
  'nested-failure',
  'parallel',
  'redriven',
  'retries-then-success',
  'success',
  'timeout',
];
const TEMPLATES = ['detailed', 'compact'];

const corpusDir = path.resolve(repoRoot, '../shared/fixtures/aws/sfn-history/localstack');
const corpus = existsSync(corpusDir);
if (!corpus) {
  console.log(
    `[skip] recorded histories in the @slack/types check: ${corpusDir} is absent (design-time folder)`
  );
}

/**
 * Type errors of each source, by name: one program for them all (modules in the test folder, so `@slack/types`
 * resolves as it does for the code), so the standard library and `@slack/types` are loaded and checked once.
 */
function typeErrors(sources: Readonly<Record<string, string>>): Record<string, string[]> {
  const fileOf = (name: string) => path.join(repoRoot, `test/formatters/__slack-types-check-${name}__.ts`);
  const byFile = new Map(Object.entries(sources).map(([name, source]) => [fileOf(name), source]));
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
    // The messages are plain data: the ES library only, not the DOM declarations the default library adds.
    lib: ['lib.es2022.d.ts'],
  };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError, create) => {
    const source = byFile.get(path.resolve(name));
    return source === undefined
      ? read(name, version, onError, create)
      : ts.createSourceFile(name, source, version);
  };
  host.fileExists = (
    (exists) => (name: string) =>
      byFile.has(path.resolve(name)) || exists(name)
  )(host.fileExists);
  const program = ts.createProgram([...byFile.keys()], options, host);
  const errorsOf = (file: string) =>
    ts
      .getPreEmitDiagnostics(program, program.getSourceFile(file))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0] ?? '');
  return Object.fromEntries(Object.keys(sources).map((name) => [name, errorsOf(fileOf(name))]));
}

function checked(messages: readonly SlackMessage[]): string {
  return `import type { KnownBlock } from '@slack/types';
interface Message { text: string; blocks?: KnownBlock[] }
export const messages: Message[] = ${JSON.stringify(messages)};
`;
}

async function messagesOf(pages: readonly unknown[], event?: Parameters<typeof formatExecution>[0]['event']) {
  const out: SlackMessage[] = [];
  for (const template of TEMPLATES) {
    const { message, summary } = await formatExecution({
      pages,
      ...(event ? { event } : {}),
      settings: { template },
    });
    out.push(message, plainTextMessage(summary, {}));
  }
  return out;
}

/** Messages for every template on the project fixtures and on generated long runs. */
async function projectMessages(): Promise<SlackMessage[]> {
  const messages: SlackMessage[] = [];
  for (const name of CASES) {
    const { page, event } = loadFixture(name);
    messages.push(...(await messagesOf([page], event)));
  }
  messages.push(...(await messagesOf(bigHistory(400, 10).pages())));
  const polls = new HistoryBuilder();
  polls.started();
  let prev = 0;
  for (let i = 0; i < 200; i++) prev = polls.task('Poll', prev);
  polls.succeed(prev);
  messages.push(...(await messagesOf(polls.pages())));
  return messages;
}

/** Messages for every template on the recorded AWS histories (none when the design-time folder is absent). */
async function corpusMessages(): Promise<SlackMessage[]> {
  const messages: SlackMessage[] = [];
  if (!corpus) return messages;
  for (const file of readdirSync(corpusDir).filter((f) => f.endsWith('.json'))) {
    const page: unknown = JSON.parse(readFileSync(path.join(corpusDir, file), 'utf8'));
    messages.push(...(await messagesOf([page])));
  }
  return messages;
}

// A message the check must refuse: a header with mrkdwn text and a section whose text is a number.
const BAD = JSON.parse(
  '[{"text":"x","blocks":[{"type":"header","text":{"type":"mrkdwn","text":"h"}},{"type":"section","text":3}]}]'
) as SlackMessage[];

describe('messages type-check against @slack/types', () => {
  let project: SlackMessage[] = [];
  let recorded: SlackMessage[] = [];
  let errors: Record<string, string[]> = {};
  beforeAll(async () => {
    project = await projectMessages();
    recorded = await corpusMessages();
    errors = typeErrors({ bad: checked(BAD), project: checked(project), recorded: checked(recorded) });
  }, 30_000);

  it('the check can fail: a header with mrkdwn text and a section with a number are refused', () => {
    expect(errors.bad?.length).toBeGreaterThan(0);
  });

  it('every template, on every project fixture and on generated long runs, gives KnownBlocks', () => {
    expect(project.length).toBeGreaterThan(50);
    expect(errors.project).toEqual([]);
  });

  it.runIf(corpus)('every template on the recorded AWS histories gives KnownBlocks', () => {
    expect(recorded.length).toBeGreaterThan(100);
    expect(errors.recorded).toEqual([]);
  });
});
