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
import { names, size } from '../view/text.js';
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
  remove(ctx, rows, force) {
    const refs = rows.map(ref);
    const users = ctx.containers.imageUsers();
    const lines = [`${force ? 'Force-remove' : 'Remove'} image${refs.length > 1 ? 's' : ''} ${rows.map((r) => (r.tag === NONE ? shortId(r.image.id) : r.tag)).join(', ')}?`];
    const D = ctx.keymap.keysOf('forceRemove', 'list') || 'D';
    for (const r of rows) {
      // what rmi does with it: a tag among others only goes; the last tag of an image a
      // container uses is refused, or with -f only removed (the containers still read its layers)
      const others = r.image.repoTags.map((t) => familiar(parseReference(t))).filter((t) => !rows.some((o) => o.image.id === r.image.id && o.tag === t));
      const u = users.get(r.image.id) ?? [];
      const by = `used by ${u.length} container${u.length === 1 ? '' : 's'} (${names(u)})`;
      if (others.length) lines.push(`${r.tag}: only this tag goes; the image keeps ${names(others)}`);
      else if (u.length && r.tag === NONE) lines.push(`${shortId(r.image.id)}: ${by}: ${force ? 'kept (it has no tag to remove)' : 'refused'}`);
      else if (u.length) lines.push(`${r.tag}: ${by}: ${force ? 'only untagged; the image stays while they exist' : `refused without force (${D} only untags it)`}`);
    }
    ctx.confirm(lines.join('\n'), () => removeImages(ctx.engine, refs, force).then((r) => { ctx.state.per.images.marks.clear(); return r; }));
  },
  prune: {
    what: 'dangling images',
    all: 'every image no container uses',
    async run(engine, all) {
      const r = await engine.pruneImages({ all });
      return `pruned ${r.removed.length} ${all ? 'unused' : 'dangling'} image${r.removed.length === 1 ? '' : 's'} (${r.reclaimed} bytes)`;
    },
  },
  fields: {
    kind: 'Image',
    of: (r) => ({ ID: r.image.id, Name: r.tag, Tag: r.tag, Labels: r.image.config?.Labels ?? {} }),
  },
  empty: 'no images: P pulls one',
  hints: [['run', 'run'], ['global.pull', 'pull'], ['list.remove', 'remove'], ['list.prune', 'prune']],
};
