import { halfWidth } from './clerk-dates';
import { normaliseLabel } from './row-fields';

/**
 * 责任单位 as clerks write it: the full name (湟中区交通运输局), a short name (湟中区交通局, 湟中区执法大队),
 * an alias from the bureau's own table, a lead unit marked （牵头）, and several units joined by 、.
 */
export interface UnitCell {
  /** The lead unit: the one marked 牵头, else the first named. */
  leadId: string;
  /** Co-operating units (配合单位), in the order written. */
  coIds: string[];
}

/** The alias table a bureau configures: the name as written → unit id. */
export type UnitAliases = Readonly<Record<string, string>>;

/** Short forms of a unit name people write instead of the full one. */
function shortForms(name: string): string[] {
  const forms = new Set<string>();
  const add = (form: string) => {
    if (form.length >= 4 && form !== name) forms.add(form);
  };
  const withoutCity = name.replace(/^.{2,4}?市(?=.{2,4}?[区县])/, '');
  for (const base of [name, withoutCity]) {
    add(base);
    add(base.replace('交通运输局', '交通局'));
    add(base.replace(/交通运输综合(行政)?执法(支队|大队)/, '执法$2'));
    add(base.replace(/交通运输综合(行政)?执法(支队|大队)/, '交通执法$2'));
    add(base.replace(/综合(行政)?执法/, '执法'));
  }
  return [...forms];
}

const LEAD_MARK = /[（(]\s*牵头\s*[)）]|牵头/;

/**
 * Resolves unit cells. Exact names win over aliases, aliases over short forms; a form two units share
 * is ambiguous and named as such.
 */
export function unitCellResolver(
  units: ReadonlyArray<{ id: string; name: string }>,
  aliases: UnitAliases = {},
): (text: string) => UnitCell | { problem: string } {
  const exact = new Map<string, string[]>();
  const short = new Map<string, string[]>();
  const push = (map: Map<string, string[]>, key: string, id: string) =>
    map.set(key, [...new Set([...(map.get(key) ?? []), id])]);
  for (const u of units) {
    push(exact, normaliseLabel(u.name), u.id);
    for (const form of shortForms(u.name)) push(short, normaliseLabel(form), u.id);
  }
  const alias = new Map(Object.entries(aliases).map(([name, id]) => [normaliseLabel(name), id]));
  const one = (name: string): { id: string } | { problem: string } => {
    const key = normaliseLabel(name);
    const ids = exact.get(key) ?? (alias.has(key) ? [alias.get(key)!] : short.get(key));
    if (!ids)
      return { problem: `unknown unit ${JSON.stringify(name)}: no unit has this name, short name or alias` };
    if (ids.length > 1)
      return { problem: `unit name ${JSON.stringify(name)} is ambiguous: units ${ids.join(', ')}` };
    return { id: ids[0]! };
  };
  return (text) => {
    const parts = halfWidth(text)
      .split(/[、,，;；\n]/)
      .map((p) => p.trim())
      .filter((p) => p !== '');
    const resolved: Array<{ id: string; lead: boolean }> = [];
    for (const part of parts) {
      const found = one(part.replace(LEAD_MARK, '').trim());
      if ('problem' in found) return found;
      resolved.push({ id: found.id, lead: LEAD_MARK.test(part) });
    }
    if (resolved.length === 0) return { problem: '责任单位 is required (missing cell)' };
    const leads = resolved.filter((r) => r.lead);
    if (leads.length > 1) return { problem: `only one unit can lead (牵头); ${leads.length} are marked` };
    const lead = leads[0] ?? resolved[0]!;
    return { leadId: lead.id, coIds: resolved.filter((r) => r !== lead).map((r) => r.id) };
  };
}
