// Parses a `model.summary()` printed by Keras (1.x/2.x plain tables, Keras 3 box tables) from a
// corpus SOURCE.md, so tests compare against what Keras itself printed.
export interface SummaryRow {
  name: string;
  type: string;
  /** Dims as printed: numbers (Keras 1 sometimes printed 1.0), null for None; null when unparseable. */
  shape: (number | null)[] | null;
  params: number;
}

export interface Summary {
  title: string;
  rows: SummaryRow[];
  total: number | null;
  trainable: number | null;
  nonTrainable: number | null;
  optimizer: number | null;
}

const num = (s: string): number => Number(s.replace(/,/g, '').replace(/\.0$/, ''));

function parseShape(text: string): (number | null)[] | null {
  const m = /\(([^()]*)\)/.exec(text);
  if (!m) return null;
  return m[1]!
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')
    .map((x) => (x === 'None' ? null : Number(x)));
}

function total(block: string, label: string): number | null {
  const m = new RegExp(`${label} params: ([\\d,\\.]+)`).exec(block);
  return m ? num(m[1]!) : null;
}

/** Every summary block in a SOURCE.md, in order; each starts at a `#####` header line. */
export function parseSummaries(md: string): Summary[] {
  const blocks = md.split(/^##### /m).slice(1);
  return blocks.map((block) => {
    const rows: SummaryRow[] = [];
    for (const raw of block.split('\n')) {
      const line = raw.replace(/[│┃]/g, ' ');
      // "name (Type)   (None, 7)   147   [connected]" — Keras 2 truncates long types: "(Bidirection".
      const m = /^\s*(\S+) \(([A-Za-z0-9_]+)\)?\s+(\[?\(.*?\)\]?|multiple)\s+([\d,]+)\s*(.*)$/.exec(line);
      if (!m) continue;
      rows.push({ name: m[1]!, type: m[2]!, shape: m[3] === 'multiple' ? null : parseShape(m[3]!), params: num(m[4]!) });
    }
    const title = /Model: "([^"]+)"/.exec(block)?.[1] ?? block.split('\n')[0]!.trim();
    return { title, rows, total: total(block, 'Total'), trainable: total(block, 'Trainable'), nonTrainable: total(block, 'Non-trainable'), optimizer: total(block, 'Optimizer') };
  });
}
