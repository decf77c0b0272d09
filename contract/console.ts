/**
 * Console hosts per partition: the formatter's links (formatters/formatter/render/console-url.ts) and the notifier's
 * event-only fallback (its link host, written into the definition at synth: contract/fallback.ts) read this one
 * table. AWS documents no console URL format (see docs/formatter.md, "Console links").
 */
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
