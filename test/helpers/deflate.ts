// A real .keras rewritten with every member DEFLATED (jszip), as other zip tools write it: Keras
// itself writes STORED members, and loads either.
import { readFileSync } from 'node:fs';
import JSZip from 'jszip';

export async function deflatedCopy(file: string): Promise<Buffer> {
  const zip = await JSZip.loadAsync(readFileSync(file));
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 } });
}
