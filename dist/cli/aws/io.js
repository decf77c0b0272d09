export function processIo() {
    return {
        stdout: process.stdout,
        stderr: process.stderr,
        stdin: process.stdin,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        now: () => new Date(),
    };
}
/** Reads all of standard input as text. */
export async function readAll(stream) {
    const chunks = [];
    for await (const chunk of stream) {
        chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
}
