// Prints the supported-layers table (docs/layers.md): npx tsx scripts/layers-table.ts > docs/layers.md
import { layersTable } from '../src/layers/table.js';

process.stdout.write(layersTable());
