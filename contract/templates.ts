/** The message templates that ship with the formatter (formatters/formatter/templates/<name>.jsonata). */
export const BUILT_IN_TEMPLATES = ['detailed', 'compact'] as const;
export type BuiltInTemplate = (typeof BUILT_IN_TEMPLATES)[number];

/** The daily digest's template (formatters/formatter/templates/digest.jsonata); its input is not an execution's. */
export const DIGEST_TEMPLATE = 'digest';

/** The template used when neither the environment nor the route names one. */
export const DEFAULT_TEMPLATE: BuiltInTemplate = 'detailed';

/**
 * A custom template as a route names it: a path to a `.jsonata` file, relative to cdk.json. At synth it is
 * compiled (errors fail the synth) and shipped in the formatter's layer as `custom/<id>.jsonata`; the
 * deployed settings carry `custom/<id>` so the formatter reads the bundled copy, never a path of the build host.
 */
export const CUSTOM_TEMPLATE_PREFIX = 'custom/';

/**
 * The formatter's environment variable naming a folder it reads templates from before its own: the stack points
 * it at the custom templates' layer (a layer's files are under `/opt` on Lambda), so `custom/<id>` resolves to
 * `/opt/custom/<id>.jsonata` whether the formatter was bundled at synth or is the package's prebuilt one.
 */
export const TEMPLATES_DIR_ENV = 'SFN_SLACK_TEMPLATES_DIR';
/** Where Lambda mounts a layer's files. */
export const LAYER_DIR = '/opt';

export function isBuiltInTemplate(name: string): name is BuiltInTemplate {
  return (BUILT_IN_TEMPLATES as readonly string[]).includes(name);
}

export function isTemplatePath(name: string): boolean {
  return name.endsWith('.jsonata');
}
