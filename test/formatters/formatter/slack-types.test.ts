/**
 * The templates' output checked against `@slack/types`, the same types the formatter's code is compiled
 * against: every message made from the project fixtures (and the recorded corpus when present) is written
 * into a TypeScript source typed `KnownBlock[]` and type-checked by the TypeScript compiler.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
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

const parsed = new Map<string, ts.SourceFile>();

/** Type errors of `source` (a module in the test folder, so `@slack/types` resolves as it does for the code). */
function typeErrors(source: string): string[] {
  const file = path.join(repoRoot, 'test/formatters/__slack-types-check__.ts');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError, create) => {
    if (path.resolve(name) === file) return ts.createSourceFile(name, source, version);
    // The standard library and @slack/types are parsed once for the three checks of this file.
    const known = parsed.get(name) ?? read(name, version, onError, create);
    if (known) parsed.set(name, known);
    return known;
  };
  host.fileExists = (
    (exists) => (name: string) =>
      path.resolve(name) === file || exists(name)
  )(host.fileExists);
  const program = ts.createProgram([file], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0] ?? '');
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

describe('messages type-check against @slack/types', () => {
  it('the check can fail: a header with mrkdwn text and a section with a number are refused', () => {
    const bad = JSON.parse(
      '[{"text":"x","blocks":[{"type":"header","text":{"type":"mrkdwn","text":"h"}},{"type":"section","text":3}]}]'
    ) as SlackMessage[];
    expect(typeErrors(checked(bad)).length).toBeGreaterThan(0);
  });

  it('every template, on every project fixture and on generated long runs, gives KnownBlocks', async () => {
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
    expect(messages.length).toBeGreaterThan(50);
    expect(typeErrors(checked(messages))).toEqual([]);
  }, 30_000);

  it.runIf(corpus)(
    'every template on the recorded AWS histories gives KnownBlocks',
    async () => {
      const { readdirSync } = await import('node:fs');
      const messages: SlackMessage[] = [];
      for (const file of readdirSync(corpusDir).filter((f) => f.endsWith('.json'))) {
        const page: unknown = JSON.parse(readFileSync(path.join(corpusDir, file), 'utf8'));
        messages.push(...(await messagesOf([page])));
      }
      expect(messages.length).toBeGreaterThan(100);
      expect(typeErrors(checked(messages))).toEqual([]);
    },
    30_000
  );
});
