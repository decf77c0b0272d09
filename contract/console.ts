/**
 * Console links, one rule for every side: the formatter's messages, the delivery function's storm digests, the
 * command line, and the notifier's event-only fallback (its link host, written into the definition at synth:
 * contract/fallback.ts) all read this table. AWS documents no console URL format (see docs/formatter.md, "Console
 * links"): the v2 execution page form below is what current consoles use. Each partition has its own console; a
 * link never points to another partition's console, and a partition whose console is not known gets no link (the
 * message still names the ARN).
 */
import { parseArn } from './arns.js';

export interface ConsoleHost {
  /** Host name after the region: `{region}.{host}` when `regional`, `{host}` otherwise. */
  readonly host: string;
  readonly regional: boolean;
}

/**
 * Commercial, China and GovCloud hosts are those seen in use. The isolated partitions and the European
 * Sovereign Cloud get `console.{dnsSuffix}` from the partition's DNS suffix (the AWS SDK's partition data):
 * unverified, since their consoles are not public.
 */
export const CONSOLE_HOSTS: Readonly<Record<string, ConsoleHost>> = {
  aws: { host: 'console.aws.amazon.com', regional: true },
  'aws-cn': { host: 'console.amazonaws.cn', regional: true },
  'aws-us-gov': { host: 'console.amazonaws-us-gov.com', regional: true },
  'aws-iso': { host: 'console.c2s.ic.gov', regional: false },
  'aws-iso-b': { host: 'console.sc2s.sgov.gov', regional: false },
  'aws-iso-e': { host: 'console.cloud.adc-e.uk', regional: false },
  'aws-iso-f': { host: 'console.csp.hci.ic.gov', regional: false },
  'aws-eusc': { host: 'console.amazonaws.eu', regional: false },
};

/** Characters an ARN never has legitimately are percent-encoded, so the URL cannot break a link. */
function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9:_\-./]/g, (c) => encodeURIComponent(c));
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
