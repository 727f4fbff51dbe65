// The images view: one row per tag (as `docker images`), or one "<none>" row
// for an untagged image, with the containers that use each. Re-read when
// images.json is replaced (every image change rewrites that one file).
import { basename } from 'node:path';
import type { ImageItem } from '../../backend/index.js';
import { familiar, parseReference, shortId } from '../../engine/image/index.js';
import { ago } from '../../engine/format.js';
import { compareText } from '../../engine/compare.js';
import { LoadedList } from '../model/list.js';
import { removeImages } from '../actions.js';
import { size } from '../view/text.js';
import type { View } from './view.js';

export interface ImageRow { image: ImageItem; tag: string }

const NONE = '<none>:<none>';
/** What `rmi` is given for a row: the tag, or the ID of an untagged image. */
const ref = (r: ImageRow): string => (r.tag === NONE ? r.image.id : r.tag);

export const imagesView: View<ImageRow> = {
  name: 'images',
  title: 'Images',
  key: '2',
  aliases: ['images', 'im'],
  model: (engine) => new LoadedList<ImageItem>({
    read: async () => (await engine.images.list()).sort((a, b) => compareText(b.created, a.created)),
    staleOn: (ev) => ev.type === 'image',
    watchDir: (layout) => ({ dir: layout.imagesDir, want: (f) => f === basename(layout.imagesIndex) }),
  }),
  rows: (ctx) => (ctx.model(imagesView).all() as ImageItem[]).flatMap((image) => (image.repoTags.length
    ? image.repoTags.map((t) => ({ image, tag: familiar(parseReference(t)) })) : [{ image, tag: NONE }])),
  rowKey: (r) => `${r.image.id} ${r.tag}`,
  columns: [
    { title: 'REPOSITORY:TAG', width: 40, min: 16, drop: 0, text: (r) => r.tag },
    { title: 'IMAGE ID', width: 14, min: 12, drop: 2, text: (r) => shortId(r.image.id) },
    { title: 'SIZE', width: 10, min: 8, drop: 1, text: (r) => size(r.image.size), sort: (r) => r.image.size },
    { title: 'CREATED', width: 16, min: 10, drop: 3, text: (r) => ago(r.image.created), sort: (r) => -Date.parse(r.image.created) },
    {
      title: 'USED BY', width: 20, min: 8, drop: 4, flex: true,
      text: (r, _w, ctx) => { const u = ctx.containers.imageUsers().get(r.image.id) ?? []; return u.length ? `${u.length}: ${u.join(', ')}` : '-'; },
      sort: (r, ctx) => ctx.containers.imageUsers().get(r.image.id)?.length ?? 0,
    },
  ],
  filterText: (r) => [r.tag, r.image.id],
  labels: (r) => r.image.config?.Labels ?? {},
  tabs: ['inspect'],
  select: (r, engine) => ({ kind: 'image', id: r.image.id, name: r.tag, inspect: async () => (await engine.images.inspect(r.image.id)) as Record<string, unknown> }),
  actions: {
    run: { keys: ['r'], help: 'run a container from the image (form)', run: (ctx) => {
      const r = ctx.targetItems<ImageRow>()[0];
      if (!r) return ctx.say('no image selected', true);
      ctx.openRunForm(ref(r));
    } },
  },
  remove(ctx, rows) {
    const refs = rows.map(ref);
    ctx.confirm(`Remove image${refs.length > 1 ? 's' : ''} ${refs.join(', ')}?`, () => removeImages(ctx.engine, refs).then((r) => { ctx.state.per.images.marks.clear(); return r; }));
  },
  prune: {
    what: 'dangling images',
    async run(engine) {
      const r = await engine.pruneImages();
      return `pruned ${r.removed.length} dangling image${r.removed.length === 1 ? '' : 's'} (${r.reclaimed} bytes)`;
    },
  },
  empty: 'no images: P pulls one',
  hints: [['run', 'run'], ['global.pull', 'pull'], ['list.remove', 'remove'], ['list.prune', 'prune']],
};
