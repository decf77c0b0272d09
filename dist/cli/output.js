/** An Io for the chosen format; `finish` prints the JSON document (nothing for text). */
export function outputIo(io, format) {
    if (format === 'text')
        return { io: { ...io, report: () => undefined }, finish: () => undefined };
    const fields = {};
    return {
        io: { ...io, stdout: io.stderr, report: (more) => Object.assign(fields, more) },
        finish: (base) => io.stdout.write(`${JSON.stringify({ ...base, ...fields }, null, 2)}\n`),
    };
}
/** `io.report` when the command was given a ReportingIo (tests may pass a plain Io). */
export function report(io, fields) {
    io.report?.(fields);
}
