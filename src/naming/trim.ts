/**
 * Lower-cases `field` and replaces every character a GCE or Kubernetes name cannot hold
 * (anything but `a-z`, `0-9` and `-`) by `-`. Dots of DNS subdomain names become dashes.
 */
export function sanitizeField(field: string): string {
  return field.toLowerCase().replace(/[^a-z0-9-]/g, '-');
}

/**
 * Cuts `fields` so that their lengths sum to at most `budget`, sharing the cut fairly: fields
 * shorter than their share keep every character and give the rest to the longer ones (water
 * filling, as ingress-gce's `TrimFieldsEvenly`). Each field keeps its prefix. Deterministic.
 */
export function trimFieldsEvenly(fields: readonly string[], budget: number): string[] {
  const total = fields.reduce((sum, field) => sum + field.length, 0);
  if (total <= budget) return [...fields];
  const byLength = fields.map((field, index) => ({ index, length: field.length }));
  byLength.sort((a, b) => a.length - b.length || a.index - b.index);
  const allowed = new Array<number>(fields.length).fill(0);
  let remaining = budget;
  for (let i = 0; i < byLength.length; i++) {
    const entry = byLength[i]!;
    const left = byLength.length - i;
    const share = Math.floor(remaining / left);
    if (entry.length <= share) {
      allowed[entry.index] = entry.length;
      remaining -= entry.length;
      continue;
    }
    // Every field from here on is longer than its share: split what remains, the odd characters
    // going to the earliest fields so the result does not depend on sort ties.
    const rest = byLength.slice(i).sort((a, b) => a.index - b.index);
    let extra = remaining - share * left;
    for (const field of rest) {
      allowed[field.index] = share + (extra > 0 ? 1 : 0);
      if (extra > 0) extra--;
    }
    break;
  }
  return fields.map((field, index) => field.slice(0, allowed[index]));
}
