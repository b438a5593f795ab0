/** A serving config's identity: the llm, on which sku, at which tensor-parallel degree, in which region. */
export interface ConfigRef {
  llm: string;
  sku: string;
  tp: number;
  region: string;
}

/**
 * The one key for a config (`llm|sku|tp|region`) that candidates, replicas and routes are matched by, so a
 * plan's rows and the candidates they came from always meet.
 */
export function configKey(ref: ConfigRef): string {
  return `${ref.llm}|${ref.sku}|${ref.tp}|${ref.region}`;
}
