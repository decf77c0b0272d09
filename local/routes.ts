/**
 * An environment's routes for a local run: as the stack deploys them, except that a custom template
 * (`custom/<id>`, bundled with the deployed formatter) is read from its file, relative to `baseDir`.
 */
import path from 'node:path';
import type { Route } from '../contract/routes.js';
import type { EnvironmentConfig } from '../contract/settings.js';
import { CUSTOM_TEMPLATE_PREFIX } from '../contract/templates.js';

export function localRoutes(
  config: Pick<EnvironmentConfig, 'routes' | 'customTemplates'>,
  baseDir: string = process.cwd()
): Route[] {
  return config.routes.map((route) => {
    if (!route.template.startsWith(CUSTOM_TEMPLATE_PREFIX)) return route;
    const file = config.customTemplates[route.template.slice(CUSTOM_TEMPLATE_PREFIX.length)];
    return file === undefined ? route : { ...route, template: path.resolve(baseDir, file) };
  });
}
