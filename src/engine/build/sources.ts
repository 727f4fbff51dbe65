// What a COPY or ADD copies: its sources matched in the context (wildcards,
// .dockerignore) or, with --from, in a built stage's or an image's root (a
// read-only view of its layers), each resolved in its own scope. The cache
// key gets a digest of the context files' content and metadata; an image's
// content is named by its ID.
import { BerthError } from '../errors.js';
import type { ImageRecord } from '../image/index.js';
import { BuildContext } from './context.js';
import { mountView } from './rootfs.js';
import type { CopySource } from './steps.js';
import type { Builder } from './builder.js';

export interface ResolvedSources {
  sources: CopySource[];
  /** Content digest of the context files (no --from). */
  digest?: string;
  /** The image read from (--from). */
  fromId?: string;
  release(): Promise<void>;
}

export async function resolveSources(b: Builder, srcs: string[], from: string | undefined, stageIndex: number): Promise<ResolvedSources> {
  if (from === undefined) {
    const rels = match(b.context, srcs);
    return { sources: rels.map((rel) => ({ rel, path: b.context.resolve(rel) })), digest: b.context.digest(rels), release: async () => undefined };
  }
  let image: ImageRecord;
  const stage = b.stageSnapshot(from, stageIndex);
  if (stage) image = (await stage).image;
  else {
    image = await b.images.get(from).catch(async (e: unknown) => {
      if (e instanceof BerthError && e.code === 'NOT_FOUND') return b.pullImage(from);
      throw e;
    });
  }
  const view = await mountView(b.layout, b.images.layerDiffDirs(image));
  try {
    const tree = BuildContext.scope(view.root);
    const rels = match(tree, srcs);
    return { sources: rels.map((rel) => ({ rel, path: tree.resolve(rel) })), fromId: image.id, release: view.release };
  } catch (e) {
    await view.release();
    throw e;
  }
}

function match(tree: BuildContext, srcs: string[]): string[] {
  const out: string[] = [];
  for (const s of srcs) {
    const found = tree.match(s);
    if (found.length === 0) throw new BerthError('NOT_FOUND', `failed to compute cache key: failed to calculate checksum of ref: "/${s.replace(/^\/+/, '')}": not found`);
    out.push(...found);
  }
  return out;
}
