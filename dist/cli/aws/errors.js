/**
 * Turns what the AWS SDK throws into one line the operator can act on, exit code 3 (AWS unreachable or
 * refused). Errors that are already CliErrors pass through unchanged.
 */
import { CliError, ExitCode } from '../errors.js';
const ACCESS_DENIED = new Set([
    'AccessDenied',
    'AccessDeniedException',
    'UnauthorizedOperation',
    'UnrecognizedClientException',
    'InvalidClientTokenId',
    'InvalidSignatureException',
    'SignatureDoesNotMatch',
]);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired']);
const UNREACHABLE = new Set([
    'ENOTFOUND',
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EAI_AGAIN',
    'TimeoutError',
]);
/**
 * Maps an error from an AWS call to a CliError.
 * @param action what was being done, e.g. `read the stack SfnSlackNotifier-dev`, used in the message
 */
export function toCliError(error, action) {
    if (error instanceof CliError)
        return error;
    const err = (typeof error === 'object' && error !== null ? error : {});
    const name = err.name ?? '';
    const message = oneLine(err.message ?? String(error));
    if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
        return new CliError(`no AWS credentials found to ${action}: pass --profile <name>, set AWS_PROFILE, run \`aws sso login\`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`, ExitCode.aws, { cause: error });
    }
    if (/region is missing/i.test(message)) {
        return new CliError(`no AWS region to ${action}: pass --region <region> or set AWS_REGION`, ExitCode.aws, {
            cause: error,
        });
    }
    if (EXPIRED.has(name)) {
        return new CliError(`AWS credentials expired while trying to ${action}: refresh them (e.g. \`aws sso login\`) and retry`, ExitCode.aws, { cause: error });
    }
    if (ACCESS_DENIED.has(name) || err.$metadata?.httpStatusCode === 403) {
        return new CliError(`AWS refused to ${action} (${name || 'HTTP 403'}: ${message}): use credentials allowed to do it (--profile)`, ExitCode.aws, { cause: error });
    }
    if (UNREACHABLE.has(name) || (err.code !== undefined && UNREACHABLE.has(err.code))) {
        return new CliError(`could not reach AWS to ${action} (${err.code ?? name}): check the network and --region`, ExitCode.aws, { cause: error });
    }
    return new CliError(`could not ${action}: ${name ? `${name}: ` : ''}${message}`, ExitCode.aws, {
        cause: error,
    });
}
/** Runs an AWS call, mapping any failure with `toCliError`. */
export async function aws(action, call) {
    try {
        return await call();
    }
    catch (error) {
        throw toCliError(error, action);
    }
}
function oneLine(text) {
    return text.replace(/\s+/g, ' ').trim();
}
