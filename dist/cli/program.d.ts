import { Command } from 'commander';
/**
 * The `sfn-slack` program. Each command lives in `cli/commands/<name>.ts` and exports `register(program)`.
 */
export declare function buildProgram(): Command;
