/**
 * Runs `sfn-slack` on an argument vector and returns the exit code. bin/sfn-slack.js calls it for the real
 * process; tests call it in process with a captured Io.
 */
import { CommanderError } from 'commander';
import { type Io, processIo } from './aws/io.js';
import { CliError, ExitCode } from './errors.js';
import { buildProgram } from './program.js';

/** `argv` as `process.argv`: the node binary and the script first. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv]);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message (one line, see program.ts), the help or the version.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
    }
    if (error instanceof CliError) {
      io.stderr.write(`sfn-slack: ${error.message}\n`);
      return error.exitCode;
    }
    // An optional dependency of the local runner is not installed (local/stand-ins/dynamodb.ts): a setup problem.
    if (error instanceof Error && error.name === 'MissingLocalDependency') {
      io.stderr.write(`sfn-slack: ${oneLine(error.message)}\n`);
      return ExitCode.badInput;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`sfn-slack: unexpected error: ${oneLine(message)}\n`);
    return ExitCode.failed;
  }
}

/**
 * `sfn-slack … | head` closes the pipe early: that is the reader's choice, not an error, so the command stops
 * quietly (exit 0) instead of printing an EPIPE stack trace.
 */
export function stopQuietlyOnBrokenPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(ExitCode.ok);
    throw error;
  });
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
