import { CommanderError } from 'commander';
import { CliError, ExitCode } from './errors.js';
import { buildProgram } from './program.js';
const program = buildProgram();
try {
    await program.parseAsync(process.argv);
}
catch (error) {
    if (error instanceof CommanderError) {
        // Commander has already printed its message (unknown option, --help, --version).
        process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
    }
    else if (error instanceof CliError) {
        process.stderr.write(`sfn-slack: ${error.message}\n`);
        process.exitCode = error.exitCode;
    }
    else {
        const message = error instanceof Error ? error.message : String(error);
        process.stderr.write(`sfn-slack: unexpected error: ${message}\n`);
        process.exitCode = ExitCode.failed;
    }
}
