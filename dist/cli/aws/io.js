export function processIo() {
    return {
        stdout: process.stdout,
        stderr: process.stderr,
        stdin: process.stdin,
        env: process.env,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        now: () => new Date(),
    };
}
/** The environment an Io carries, or the process's. */
export function envOf(io) {
    return io.env ?? process.env;
}
/**
 * Whether to style output for `stream`: only on a terminal, never with NO_COLOR set to anything but the empty
 * string (https://no-color.org) or on a dumb terminal.
 */
export function useColor(stream, env) {
    if (env.NO_COLOR !== undefined && env.NO_COLOR !== '')
        return false;
    if (env.TERM === 'dumb')
        return false;
    return stream.isTTY === true;
}
/** Reads all of standard input as text. */
export async function readAll(stream) {
    const chunks = [];
    for await (const chunk of stream) {
        chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
}
