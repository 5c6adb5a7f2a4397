import type { Finding, Severity } from '../types.js';

/** A security finding (category 'security'). */
export function finding(severity: Severity, code: string, layer: string | null, message: string): Finding {
  return { severity, code, category: 'security', layer, message };
}
