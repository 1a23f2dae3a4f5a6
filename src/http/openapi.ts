// The OpenAPI document is built from the TypeBox schemas that also validate requests. Those carry
// keywords only our validator reads (`errorMessage`: the wording of a 400), which an OpenAPI
// Schema Object may not contain: code generators and validators reject such a document. They are
// left out of the published document only; validation keeps them.
const VALIDATOR_ONLY_KEYWORDS = new Set(['errorMessage'])

// Under these keys the children are names (of properties, of schemas), not keywords: a property
// that happens to be called `errorMessage` stays.
const NAME_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'schemas'])

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

function strip(node: Json, childrenAreNames: boolean): Json {
  if (Array.isArray(node)) return node.map((item) => strip(item, false))
  if (node === null || typeof node !== 'object') return node
  const copy: { [key: string]: Json } = {}
  for (const [key, value] of Object.entries(node)) {
    if (!childrenAreNames && VALIDATOR_ONLY_KEYWORDS.has(key)) continue
    copy[key] = strip(value, !childrenAreNames && NAME_MAPS.has(key))
  }
  return copy
}

/** A copy of an OpenAPI document without validator-only schema keywords. */
export function withoutValidatorKeywords<T extends object>(document: T): T {
  return strip(document as unknown as Json, false) as unknown as T
}

/**
 * Names shared schemas (`app.addSchema`) by their `$id` in `components.schemas` (`Ticket`,
 * `User`…) instead of `def-0`, `def-1`: generated clients get readable type names.
 */
export function componentName(json: { $id?: unknown }, _baseUri: unknown, _fragment: string, i: number) {
  return typeof json.$id === 'string' ? json.$id : `def-${i}`
}
