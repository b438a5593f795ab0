import { builtinPath } from './scenario-inputs.js';
import { resolve } from 'node:path';
import { CATALOG_VIEWS, catalogViewData, type CatalogView } from '../catalog/listings.js';
import { ExitCode, InputError, didYouMean } from '../errors.js';
import { renderCatalogView } from '../report/catalog-table.js';
import { readCatalog } from './inputs.js';
import { chalkFor, type CliIo } from './io.js';

export interface CatalogOptions {
  format: 'table' | 'json';
  /** Catalog folder; "builtin:models" (the default) is the one shipped in the package. */
  catalog?: string;
}

const BUILTIN = 'builtin:';

/** `planner catalog [gpus|skus|llms|prices|regions]`: the catalog as tables or JSON; a summary without a view. */
export async function catalogCommand(view: string | undefined, options: CatalogOptions, io: CliIo): Promise<ExitCode> {
  if (view !== undefined && !(CATALOG_VIEWS as readonly string[]).includes(view)) {
    throw new InputError({
      field: 'view',
      message: `unknown catalog view '${view}'`,
      fix: didYouMean(view, CATALOG_VIEWS) || `one of ${CATALOG_VIEWS.join(', ')}`,
    });
  }
  const given = options.catalog ?? `${BUILTIN}models`;
  const dir = given.startsWith(BUILTIN) ? builtinPath(given) : resolve(io.cwd, given);
  const catalog = await readCatalog(dir, given.startsWith(BUILTIN) ? undefined : given);
  const data = catalogViewData(catalog, view as CatalogView | undefined, given);
  if (options.format === 'json') io.stdout.write(`${JSON.stringify(data.json, null, 2)}\n`);
  else io.stdout.write(renderCatalogView(catalog, view as CatalogView | undefined, given, data, chalkFor(io)));
  return ExitCode.ok;
}
