// Prints the supported-backbones table (docs/backbones.md): npx tsx scripts/backbones-table.ts > docs/backbones.md
import { backbonesTable } from '../src/backbones/table.js';

process.stdout.write(backbonesTable());
