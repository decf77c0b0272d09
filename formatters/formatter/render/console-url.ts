/**
 * Console links. AWS documents no console URL format (see docs/formatter.md, "Console links"): the v2
 * execution page form below is what current consoles use. Each partition has its own console; a link never
 * points to another partition's console, and a partition whose console is not known gets no link (the
 * message still names the ARN).
 */
import { CONSOLE_HOSTS } from '../../../contract/console.js';

export { CONSOLE_HOSTS };

/** Characters an ARN never has legitimately are percent-encoded, so the URL cannot break a link. */
function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9:_\-./]/g, (c) => encodeURIComponent(c));
}

interface ArnParts {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

/** The parts of an ARN (`arn:partition:service:region:account:resource`), or undefined when it is not one. */
export function parseArn(arn: string | undefined): ArnParts | undefined {
  if (!arn) return undefined;
  const parts = arn.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) return undefined;
  const [, partition = '', service = '', region = '', account = ''] = parts;
  return { partition, service, region, account, resource: parts.slice(5).join(':') };
}

/** `https://{region}.console…` for the partition and region, or undefined when either is unknown. */
export function consoleBase(partition: string, region: string | undefined): string | undefined {
  const console = CONSOLE_HOSTS[partition];
  if (!console || !region || !/^[a-z0-9-]+$/.test(region)) return undefined;
  return `https://${console.regional ? `${region}.` : ''}${console.host}`;
}

/** The execution's page in the Step Functions console, or undefined when the ARN is not an ARN. */
export function executionConsoleUrl(
  executionArn: string | undefined,
  regionOverride?: string
): string | undefined {
  const arn = parseArn(executionArn);
  if (!arn || !executionArn || arn.partition === '') return undefined;
  const region = regionOverride ?? arn.region;
  const base = consoleBase(arn.partition, region);
  if (!base) return undefined;
  return `${base}/states/home?region=${region}#/v2/executions/details/${safe(executionArn)}`;
}

/**
 * The CloudWatch Logs console's fragment encoding (observed in use; not documented): a log group name is
 * URL-encoded twice with `%` written `$` (`/` is `$252F`), the query after `log-events` once (`?` is `$3F`).
 */
function logGroupFragment(name: string): string {
  return encodeURIComponent(encodeURIComponent(name)).replace(/%/g, '$');
}

function logQueryFragment(query: string): string {
  return encodeURIComponent(query).replace(/%/g, '$');
}

/**
 * A Lambda function's log group (`/aws/lambda/{name}`, the default; a function configured with another log
 * group is not known here) in the CloudWatch Logs console, its events filtered to `[startMs, endMs]`.
 * `functionArn` may be a name (then `partition` and `region` place it) or an ARN.
 */
export function lambdaLogsConsoleUrl(
  functionNameOrArn: string,
  where: { readonly partition?: string; readonly region?: string },
  window: { readonly startMs?: number; readonly endMs?: number }
): string | undefined {
  const arn = parseArn(functionNameOrArn);
  const name = arn ? arn.resource.replace(/^function:/, '').split(':')[0] : functionNameOrArn.split(':')[0];
  if (!name || !/^[A-Za-z0-9_-]{1,140}$/.test(name)) return undefined;
  const partition = arn?.partition ?? where.partition ?? 'aws';
  const region = arn?.region || where.region;
  const base = consoleBase(partition, region);
  if (!base) return undefined;
  const query: string[] = [];
  if (window.startMs !== undefined) query.push(`start=${Math.floor(window.startMs)}`);
  if (window.endMs !== undefined) query.push(`end=${Math.ceil(window.endMs)}`);
  const events = query.length > 0 ? `/log-events${logQueryFragment(`?${query.join('&')}`)}` : '';
  return `${base}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${logGroupFragment(
    `/aws/lambda/${name}`
  )}${events}`;
}
