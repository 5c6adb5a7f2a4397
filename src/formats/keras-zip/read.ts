// Reader for `.keras` archives (keras/src/saving/saving_lib.py): `metadata.json`, `config.json`
// and the weights — `model.weights.h5` (Keras 3, tf.keras 2.12–2.15), `variables.h5` (Keras 2.11),
// sharded `*.weights.json` + shards (Keras ≥ 3.10), or `model.weights.npz` (never opened).
//
// Each weights member becomes a byte source of its own (member.ts: in place when STORED, as Keras
// writes it; inflated to a temporary file when DEFLATED) and is read as HDF5 (../hdf5/). A member
// member.ts refuses (overlapping bytes, a zip bomb, past the inflation budget) is reported and left
// unread: the weights are then unknown, never "missing".
import { UnreadableError } from '../../errors.js';
import type { Finding, H5ObjectIssue, ModelSource, StoredWeights } from '../../types.js';
import { readPayload, type H5Contents } from '../hdf5/read.js';
import type { ByteSource } from '../source.js';
import { jsonTooBig, oneLine } from '../text.js';
import { ZipArchive, type ZipMember } from './archive.js';
import { memberBytes, MemberRefused, memberSource } from './member.js';
import { mergeShards, shardsOf } from './shards.js';

const WEIGHT_MEMBERS = ['model.weights.h5', 'variables.h5'];
const NPZ_MEMBER = 'model.weights.npz';

export async function readKerasZip(src: ByteSource): Promise<ModelSource> {
  const zip = await ZipArchive.open(src);
  try {
    return await readArchive(zip);
  } finally {
    zip.close();
  }
}

async function readArchive(zip: ZipArchive): Promise<ModelSource> {
  const file = zip.file;
  const findings: Finding[] = zip.members.filter((m) => !zip.fits(m)).map((m) => outOfBounds(m, zip.size));
  const config = await jsonMember(zip, 'config.json', true);
  const metadata = (await jsonMember(zip, 'metadata.json', false)) as Record<string, unknown> | null;
  const kerasVersion = typeof metadata?.['keras_version'] === 'string' ? metadata['keras_version'] : null;
  const { weights, issues } = await readWeights(zip, findings);
  const compile = (config as Record<string, unknown> | null)?.['compile_config'];
  return {
    file,
    format: 'keras-zip',
    formatLabel: `Keras archive (.keras${kerasVersion ? `, Keras ${kerasVersion}` : ''})`,
    kerasVersion,
    backend: null,
    config,
    trainingConfig: compile && typeof compile === 'object' ? compile : null,
    weights,
    weightsFile: null,
    findings,
    container: {
      size: zip.size,
      zipMembers: zip.members.map(({ name, method, compressedSize, uncompressedSize, offset }) => ({
        name,
        method,
        compressedSize,
        uncompressedSize,
        offset,
      })),
      h5Issues: issues,
    },
  };
}

/** A member whose declared sizes cannot be true of this archive: reported, never read. */
function outOfBounds(m: ZipMember, archiveSize: number): Finding {
  const past = m.offset + 30 + m.compressedSize > archiveSize;
  const sizes = past
    ? `${m.compressedSize} bytes at offset ${m.offset} in an archive of ${archiveSize} bytes`
    : `STORED with ${m.compressedSize} bytes stored but ${m.uncompressedSize} declared`;
  return {
    severity: 'warning',
    code: 'zip-member-out-of-bounds',
    category: 'format',
    layer: null,
    message: `zip member ${m.name} declares sizes the archive cannot hold (${sizes})`,
  };
}

/** A JSON member's text, refused unparsed past the JSON limits (text.ts). */
async function memberText(zip: ZipArchive, m: ZipMember): Promise<string> {
  const bytes = await memberBytes(zip, m);
  const big = jsonTooBig(bytes);
  if (big) throw new UnreadableError(zip.file, `${m.name}: ${big}`);
  return bytes.toString('utf8');
}

async function jsonMember(zip: ZipArchive, name: string, required: boolean): Promise<unknown | null> {
  const m = zip.find(name);
  if (!m) {
    if (required) throw new UnreadableError(zip.file, `zip archive has no ${name}: not a Keras archive`);
    return null;
  }
  const text = await memberText(zip, m);
  try {
    return JSON.parse(text);
  } catch (e) {
    if (required) throw new UnreadableError(zip.file, `${name} is not valid JSON (${oneLine(e)})`);
    return null;
  }
}

interface WeightsRead {
  weights: StoredWeights | null;
  issues: H5ObjectIssue[];
}

async function readWeights(zip: ZipArchive, findings: Finding[]): Promise<WeightsRead> {
  const member = WEIGHT_MEMBERS.map((n) => zip.find(n)).find(Boolean);
  if (member) {
    const c = await readMember(zip, member, findings);
    return { weights: c?.weights ?? null, issues: c?.issues ?? [] };
  }
  const manifest = zip.members.find((m) => m.name.endsWith('.weights.json'));
  if (manifest) return readShardedMembers(zip, manifest, findings);
  if (zip.find(NPZ_MEMBER)) {
    findings.push({
      severity: 'info',
      code: 'npz-weights-not-read',
      category: 'format',
      layer: null,
      message: `weights are in ${NPZ_MEMBER} (numpy archive, may hold pickled objects): never opened, so weights are not verified`,
    });
  }
  return { weights: null, issues: [] };
}

/** One HDF5 member, through its own byte source (member.ts); null when member.ts refuses it. */
async function readMember(zip: ZipArchive, m: ZipMember, findings: Finding[]): Promise<H5Contents | null> {
  let src: ByteSource;
  try {
    src = await memberSource(zip, m);
  } catch (e) {
    if (!(e instanceof MemberRefused)) throw e;
    findings.push({
      severity: 'warning',
      code: 'zip-member-not-read',
      category: 'format',
      layer: null,
      message: `${m.name} not read: ${e.reason}; its weights are not verified`,
    });
    return null;
  }
  try {
    if (m.method !== 0)
      findings.push({
        severity: 'info',
        code: 'weights-inflated',
        category: 'format',
        layer: null,
        message: `${m.name} is compressed (method ${m.method}) in the archive: it was inflated to a temporary file to be read, which is slower than reading a STORED member in place`,
      });
    const c = await readPayload(src, { label: zip.file, inArchive: true });
    // What the HDF5 reader says of the member (a store written on Windows, metric state, an unreadable object), once.
    for (const f of c.findings) if (!findings.some((g) => g.code === f.code && g.message === f.message)) findings.push(f);
    return c;
  } finally {
    src.close();
  }
}

/** Sharded weights (Keras ≥ 3.10): `{metadata, weight_map: {path: shard | [shards]}}` + shard members. */
async function readShardedMembers(zip: ZipArchive, manifest: ZipMember, findings: Finding[]): Promise<WeightsRead> {
  let map: Record<string, unknown>;
  const text = await memberText(zip, manifest);
  try {
    map = (JSON.parse(text) as { weight_map: Record<string, unknown> }).weight_map;
  } catch {
    throw new UnreadableError(zip.file, `${manifest.name} is not a valid sharded-weights manifest`);
  }
  const dir = manifest.name.includes('/') ? manifest.name.slice(0, manifest.name.lastIndexOf('/') + 1) : '';
  const shardNames = shardsOf(map ?? {});
  const parts: H5Contents[] = [];
  let refused = false;
  for (const shard of shardNames) {
    const m = zip.find(dir + shard) ?? zip.find(shard);
    if (!m) {
      findings.push({
        severity: 'error',
        code: 'weights-shard-missing',
        category: 'consistency',
        layer: null,
        message: `${manifest.name} names shard ${shard}, which the archive does not hold`,
      });
      continue;
    }
    const part = await readMember(zip, m, findings);
    if (!part) {
      refused = true;
      break;
    }
    parts.push(part);
  }
  // A shard refused: what was read is not the whole store, so nothing is compared.
  const weights = refused ? null : mergeShards(`${zip.file}:${manifest.name}`, parts);
  return { weights, issues: parts.flatMap((p) => p.issues) };
}

/** Only the stored tensors of an archive (`--weights model.keras`). */
export async function readKerasZipWeights(src: ByteSource): Promise<StoredWeights> {
  const { weights, container } = await readKerasZip(src);
  if (weights) return { ...weights, container };
  throw new UnreadableError(src.name, 'archive holds no readable weights');
}
