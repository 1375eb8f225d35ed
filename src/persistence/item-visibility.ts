/**
 * Who may read an item: the users of its unit's line (its `unit_path` in their subtree) and — read only —
 * the users of its co-operating units (协办, `ledger.coUnitIds`: a ledger's `湟中区交通运输局（牵头）、湟中区执法大队`)
 * and of the units above them. Commands stay with the responsible unit's line (authz.ts); a co-operating
 * unit reads the item it helps with, it does not act on it.
 */
export function itemReadableSql(alias: string, subtreePatternParameter: string): string {
  return `(${alias}.unit_path LIKE ${subtreePatternParameter} OR (${alias}.stream_type = 'item'
    AND (${alias}.snapshot #> '{context,ledger,coUnitIds}') ?| ARRAY(SELECT id FROM units WHERE path LIKE ${subtreePatternParameter})))`;
}

/** The co-operating units of an item's context (none when its ledger names none). */
export function coUnitIdsOf(context: unknown): string[] {
  const ids = (context as { ledger?: { coUnitIds?: unknown } | null }).ledger?.coUnitIds;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
}
