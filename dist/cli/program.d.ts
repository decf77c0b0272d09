import { Command } from 'commander';
import { type Io } from './aws/io.js';
/**
 * The `sfn-slack` program. Each command lives in `cli/commands/<name>.ts` and exports `register(program, io)`,
 * which declares its options with `applyConvention` (cli/convention.ts).
 */
export declare function buildProgram(io?: Io): Command;
/**
 * Commander's error (`error: unknown option '--histroy'` and a `(Did you mean --history?)` line) as the one
 * line every sfn-slack error is: what is wrong, then how to fix it.
 */
export declare function commanderErrorLine(text: string, command?: string): string;
