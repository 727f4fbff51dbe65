// `build`: a Dockerfile into an image. The stages the target needs are built
// in order; in a stage, config-only instructions change the config in memory
// and files change through steps.ts, each file step looked up in the cache
// first (a hit is the image it made last time: no container, no copy). The
// image of every file step is an intermediate image; the final one gets the
// tags. ARGs follow docker's scoping: the ones before the first FROM serve
// the FROM lines, a stage sees an ARG from its declaration on, --build-arg
// overrides declared ones, ENV wins over ARG of the same name.
import { posix } from 'node:path';
import { BerthError, invalid } from '../errors.js';
import type { Layout } from '../store/layout.js';
import { formatReference, hostArchitecture, parseTagReference, type HistoryEntry, type ImageRecord, type ImageStore, type OciImageConfig } from '../image/index.js';
import type { ContainerService } from '../container/index.js';
import { DEFAULT_PATH } from '../runtime/index.js';
import { BuildCache, cacheKey } from './cache.js';
import { commitStep, loadSnapshot, type Snapshot } from './commit.js';
import { BuildContext } from './context.js';
import { applyConfig, command, type StageState } from './dispatch.js';
import { parseInstructions, parseTrigger, type Dockerfile, type Instruction, type Stage } from './instructions.js';
import { parseError } from './parse.js';
import { processWord, varsOf, type Vars } from './shell-lex.js';
import { cancelled, copyStep, runStep, workdirStep, type Changes, type CopySource } from './steps.js';
import { resolveSources } from './sources.js';
import { runMounts, type MountSources } from './run-mounts.js';
import { parseSecretFlag, parseSshFlag } from './secrets.js';
import { noProgress, type BuildOptions, type BuildProgress, type BuildResult } from './types.js';
import { crashPoint } from '../crash-point.js';
import { removeDeadBuildContainers } from '../check/index.js';

export interface BuildDeps {
  layout: Layout;
  images: ImageStore;
  containers: ContainerService;
  /** Pulls a reference into the store (the registry client). */
  pull(ref: string): Promise<ImageRecord>;
}

const COMMENT = 'buildkit.dockerfile.v0';
const PROXY_ARGS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy'];
const FILE_STEPS = new Set(['RUN', 'COPY', 'ADD', 'WORKDIR']);

export async function build(deps: BuildDeps, o: BuildOptions): Promise<BuildResult> {
  const tags = (o.tags ?? []).map((t) => formatReference(parseTagReference(t)));
  const buildArgs = parseBuildArgs(o.buildArgs ?? []);
  const secrets = new Map((o.secrets ?? []).map(parseSecretFlag).map((x) => [x.id, x]));
  const agents = new Map((o.ssh ?? []).map(parseSshFlag).map((x) => [x.id, x]));
  await removeDeadBuildContainers(deps.layout, deps.containers); // what killed builds left
  const ctx = await BuildContext.open(deps.layout, o.context);
  try {
    const df = parseInstructions(o.dockerfileText ?? ctx.readDockerfile(o.dockerfile));
    const b = new Builder(deps, o, df, ctx, buildArgs, { secret: (id) => secrets.get(id), ssh: (id) => agents.get(id) });
    try {
      let image = await b.run();
      if (o.labels && Object.keys(o.labels).length) image = await b.label(image, o.labels);
      for (const t of tags) await deps.images.tag(image.id, t);
      return { image: await deps.images.get(image.id), tags };
    } finally {
      await b.settled();
    }
  } finally {
    await ctx.close();
  }
}

function parseBuildArgs(list: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const a of list) {
    const eq = a.indexOf('=');
    if (eq === 0) throw invalid(`invalid argument "${a}" for "--build-arg" flag: name cannot be empty`);
    if (eq < 0) { if (process.env[a] !== undefined) m.set(a, process.env[a]!); }
    else m.set(a.slice(0, eq), a.slice(eq + 1));
  }
  return m;
}

class Builder {
  private readonly cache: BuildCache;
  private readonly progress: BuildProgress;
  private readonly globals: Vars;
  /** Each needed stage's build, started when the stages it uses are done (independent ones run side by side). */
  private readonly built = new Map<number, Promise<Snapshot>>();
  private readonly cleanups: Promise<unknown>[] = [];
  private nextId = 1;

  constructor(private readonly deps: BuildDeps, private readonly o: BuildOptions, private readonly df: Dockerfile,
    private readonly ctx: BuildContext, private readonly buildArgs: Map<string, string>, readonly given: Pick<MountSources, 'secret' | 'ssh'>) {
    this.cache = new BuildCache(deps.layout);
    this.progress = o.progress ?? noProgress;
    const arch = hostArchitecture();
    this.globals = new Map([
      ['BUILDPLATFORM', `linux/${arch}`], ['BUILDOS', 'linux'], ['BUILDARCH', arch], ['BUILDVARIANT', ''],
      ['TARGETPLATFORM', `linux/${arch}`], ['TARGETOS', 'linux'], ['TARGETARCH', arch], ['TARGETVARIANT', ''],
    ]);
    for (const a of df.globalArgs) {
      const v = buildArgs.get(a.name) ?? (a.value !== undefined ? this.word(a.value, this.globals, a.node.line) : undefined);
      if (v !== undefined) this.globals.set(a.name, v);
      else this.globals.delete(a.name);
    }
  }

  /** Cleanup that need not hold the next step up. */
  later(p: Promise<unknown>): void { this.cleanups.push(p.catch(() => undefined)); }

  async settled(): Promise<void> { await Promise.all(this.cleanups); }

  async run(): Promise<ImageRecord> {
    const target = this.targetStage();
    const needed = this.needed(target);
    for (const [index, deps] of needed) {
      const after = Promise.all([...deps].map((d) => this.built.get(d)!));
      this.built.set(index, after.then(() => this.stage(this.df.stages[index])));
    }
    // every stage settles before the build ends (none is left running after a failure)
    const results = await Promise.allSettled(this.built.values());
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return (await this.built.get(target.index)!).image;
  }

  /** --label: the final image's config with the labels, no history entry (as docker). */
  async label(image: ImageRecord, labels: Record<string, string>): Promise<ImageRecord> {
    const snap = await loadSnapshot(this.deps.images, image.id);
    const oci = structuredClone(snap.oci);
    oci.config = { ...oci.config, Labels: { ...oci.config?.Labels, ...labels } };
    return (await this.cached({ parent: image.id, labels }, () => commitStep(this.deps.images, snap.image, oci, []))).image;
  }

  private targetStage(): Stage {
    if (this.o.target === undefined) return this.df.stages[this.df.stages.length - 1];
    const t = this.df.stages.find((s) => s.name === this.o.target!.toLowerCase());
    if (!t) throw invalid(`failed to solve: target stage "${this.o.target}" could not be found`);
    return t;
  }

  /** The stage names a FROM or COPY --from refers to, by index. */
  private stageRef(ref: string, before: number): number | undefined {
    const lower = ref.toLowerCase();
    const named = this.df.stages.filter((s) => s.name === lower && s.index < before).pop();
    if (named) return named.index;
    if (/^\d+$/.test(ref) && Number(ref) < before) return Number(ref);
    return undefined;
  }

  /** The stages the target depends on (itself included), each with the stages it uses, in Dockerfile order. */
  private needed(target: Stage): Map<number, Set<number>> {
    const out = new Map<number, Set<number>>();
    const visit = (s: Stage) => {
      if (out.has(s.index)) return;
      const deps = new Set<number>();
      out.set(s.index, deps);
      const refs = [this.stageRef(this.word(s.base, this.globals, s.node.line), s.index)];
      for (const i of s.instructions) {
        if ((i.kind === 'COPY' || i.kind === 'ADD') && i.from) refs.push(this.stageRef(i.from, s.index));
        if (i.kind === 'RUN') for (const m of i.mounts) for (const from of /(?:^|,)from=([^,]+)/.exec(m)?.slice(1) ?? []) refs.push(this.stageRef(from, s.index));
      }
      for (const d of refs) if (d !== undefined) { deps.add(d); visit(this.df.stages[d]); }
    };
    visit(target);
    return new Map([...out].sort((a, b) => a[0] - b[0]));
  }

  private word(w: string, vars: Vars, line: number, used?: Set<string>, raw = false): string {
    try {
      return processWord(w, vars, this.df.escape, used, raw);
    } catch (e) {
      throw parseError(line, `failed to process "${w}": ${(e as Error).message}`);
    }
  }

  private async stage(s: Stage): Promise<Snapshot> {
    const total = 1 + s.instructions.filter((i) => FILE_STEPS.has(i.kind)).length;
    const prefix = this.df.stages.length > 1 ? `${s.name ?? `stage-${s.index}`} ` : '';
    let k = 1;
    const label = (text: string) => `[${prefix}${String(k++).padStart(String(total).length)}/${total}] ${text}`;
    const base = this.word(s.base, this.globals, s.node.line);
    const platform = s.platform !== undefined ? this.word(s.platform, this.globals, s.node.line) : undefined;
    if (platform !== undefined && platform.replace(/\/$/, '') !== `linux/${hostArchitecture()}`) {
      throw new BerthError('UNSUPPORTED', `dockerfile line ${s.node.line}: FROM --platform=${platform}: berth builds for this host's platform only (linux/${hostArchitecture()})`);
    }
    const fromId = this.nextId++;
    this.progress.start(fromId, label(`FROM ${this.displayBase(base, s.index)}`));
    let snap: Snapshot;
    try {
      snap = await this.from(base, s.index);
    } catch (e) {
      this.progress.error(fromId, (e as Error).message);
      throw e;
    }
    this.progress.done(fromId, snap.image.id);

    const st = new StageRun(this, snap, s.index);
    const triggers = snap.oci.config?.OnBuild ?? [];
    if (triggers.length) {
      st.oci.config = { ...st.oci.config };
      delete st.oci.config.OnBuild; // a child's triggers run here and are not inherited
      for (const t of triggers) {
        const ins = parseTrigger(t, s.node.line, this.df.escape);
        await st.step(ins, FILE_STEPS.has(ins.kind) ? () => `[${prefix}onbuild] ONBUILD ${t}` : undefined);
      }
    }
    for (const ins of s.instructions) {
      await st.step(ins, FILE_STEPS.has(ins.kind) ? label : undefined);
    }
    return st.finish();
  }

  private displayBase(base: string, index: number): string {
    if (base === 'scratch' || this.stageRef(base, index) !== undefined) return base;
    try { return formatReference(parseTagReference(base)); } catch { return base; }
  }

  private async from(base: string, index: number): Promise<Snapshot> {
    const stage = this.stageRef(base, index);
    if (stage !== undefined) return await this.built.get(stage)!;
    if (base === 'scratch') {
      const oci: OciImageConfig = {
        // BuildKit's empty image: the default PATH and WorkingDir "/" (anchor)
        architecture: hostArchitecture(), os: 'linux', config: { Env: [`PATH=${DEFAULT_PATH}`], WorkingDir: '/' },
        rootfs: { type: 'layers', diff_ids: [] }, history: [],
      };
      return this.cached({ scratch: true, workdir: '/' }, () => commitStep(this.deps.images, undefined, oci, []));
    }
    let image: ImageRecord | undefined;
    if (!this.o.pull) image = await this.deps.images.get(base).catch((e: unknown) => {
      if (e instanceof BerthError && e.code === 'NOT_FOUND') return undefined;
      throw e;
    });
    image ??= await this.deps.pull(base);
    return loadSnapshot(this.deps.images, image.id);
  }

  /** The store's images as the build began, read once: a rebuild's cache hits do not re-read images.json each. */
  private knownImages?: Promise<Map<string, ImageRecord>>;
  private known(): Promise<Map<string, ImageRecord>> {
    this.knownImages ??= this.deps.images.list().then((l) => new Map(l.map((i) => [i.id, i])));
    return this.knownImages;
  }

  /** The image a key names in the cache (and still in the store), or `make`'s, recorded under the key. */
  async cached(parts: unknown, make: () => Promise<Snapshot>, onHit?: (imageId: string) => void): Promise<Snapshot> {
    const key = cacheKey(parts);
    if (!this.o.noCache) {
      const id = this.cache.get(key);
      if (id) {
        const hit = await loadSnapshot(this.deps.images, id, await this.known()).catch(() => undefined);
        if (hit) { onHit?.(hit.image.id); return hit; }
      }
    }
    const made = await make();
    crashPoint('build:committed');
    this.cache.put(key, made.image.id);
    crashPoint('build:cached');
    return made;
  }

  // what StageRun needs of the builder
  get images(): ImageStore { return this.deps.images; }
  get layout(): Layout { return this.deps.layout; }
  get containers(): ContainerService { return this.deps.containers; }
  get escape(): string { return this.df.escape; }
  get network(): string { return this.o.network ?? 'default'; }
  get signal(): AbortSignal | undefined { return this.o.signal; }
  get context(): BuildContext { return this.ctx; }
  globalVars(): Vars { return this.globals; }
  buildArg(name: string): string | undefined { return this.buildArgs.get(name); }
  pullImage(ref: string): Promise<ImageRecord> { return this.deps.pull(ref); }
  newId(): number { return this.nextId++; }
  get reporter(): BuildProgress { return this.progress; }
  stageSnapshot(ref: string, before: number): Promise<Snapshot> | undefined {
    const i = this.stageRef(ref, before);
    if (i === undefined) return undefined;
    // a stage named through a variable was not seen as a dependency: never mistake it for an image to pull
    const b = this.built.get(i);
    if (!b) throw invalid(`stage ${ref}: named through a build variable, which berth cannot follow for --from yet`);
    return b;
  }
  expand(w: string, vars: Vars, line: number, used?: Set<string>, raw = false): string { return this.word(w, vars, line, used, raw); }
}

/** One stage being built: its snapshot, its config changes not yet committed, its ARGs. */
class StageRun {
  oci: OciImageConfig;
  /** History of config-only instructions since the last commit. */
  private pending: HistoryEntry[] = [];
  /** The config changed since the last commit (ONBUILD and the default PATH leave no history entry). */
  private dirty = false;
  private readonly args = new Map<string, string | undefined>();
  private readonly state: StageState = { cmdSet: false };

  constructor(private readonly b: Builder, private snap: Snapshot, readonly index: number) {
    this.oci = structuredClone(snap.oci);
    this.oci.config ??= {};
    // BuildKit gives every stage a PATH when its base has none
    if (!(this.oci.config.Env ?? []).some((e) => e.startsWith('PATH='))) {
      this.oci.config.Env = [`PATH=${DEFAULT_PATH}`, ...(this.oci.config.Env ?? [])];
      this.dirty = true;
    }
  }

  /** Variables for expansion: the ARGs with values, then ENV over them. */
  private vars(): Vars {
    const v: Vars = new Map();
    for (const [k, val] of this.args) if (val !== undefined) v.set(k, val);
    for (const [k, val] of varsOf(this.oci.config?.Env ?? [])) v.set(k, val);
    return v;
  }

  /** ARGs with values that RUN sees as environment (not overridden by ENV), and the proxy args. */
  private argEnv(): string[] {
    const env = varsOf(this.oci.config?.Env ?? []);
    const out: string[] = [];
    for (const [k, val] of this.args) if (val !== undefined && !env.has(k)) out.push(`${k}=${val}`);
    for (const p of PROXY_ARGS) {
      const v = this.b.buildArg(p);
      if (v !== undefined && !this.args.has(p) && !env.has(p)) out.push(`${p}=${v}`);
    }
    return out;
  }

  async step(ins: Instruction, label?: (text: string) => string): Promise<void> {
    const line = ins.node.line;
    const word = (w: string) => this.b.expand(w, this.vars(), line);
    if (ins.kind === 'ARG') {
      const shown: string[] = [];
      for (const a of ins.args) {
        const given = this.b.buildArg(a.name);
        const dflt = a.value !== undefined ? word(a.value) : this.b.globalVars().get(a.name);
        this.args.set(a.name, given ?? dflt);
        shown.push(a.value !== undefined ? `${a.name}=${dflt}` : a.name);
      }
      this.pending.push({ created_by: `ARG ${shown.join(' ')}`, comment: COMMENT, empty_layer: true });
      return;
    }
    if (!label) {
      const createdBy = applyConfig(this.oci, ins, word, this.state);
      if (createdBy !== undefined) this.pending.push({ created_by: createdBy, comment: COMMENT, empty_layer: true });
      this.dirty = true;
      return;
    }
    if (this.b.signal?.aborted) throw cancelled();
    const id = this.b.newId();
    const text = this.displayText(ins, word);
    this.b.reporter.start(id, label(text));
    try {
      await this.fileStep(ins, id, word);
    } catch (e) {
      this.b.reporter.error(id, (e as Error).message);
      if (e instanceof BerthError) throw e;
      throw new BerthError('INTERNAL', `${text}: ${(e as Error).message}`, { cause: e });
    }
    this.b.reporter.done(id, this.imageId);
  }

  /** The step's title as BuildKit shows it: the instruction with its variables expanded (quotes kept). */
  private displayText(ins: Instruction, word: (w: string) => string): string {
    if (ins.kind === 'WORKDIR') return `WORKDIR ${word(ins.value)}`;
    const text = ins.node.original.replace(/\s+/g, ' ');
    try { return this.b.expand(text, this.vars(), ins.node.line, undefined, true); } catch { return text; }
  }

  private async fileStep(ins: Instruction, id: number, word: (w: string) => string): Promise<void> {
    const parent = this.snap.image;
    const base = { parent: parent.id, pending: this.pending.map((h) => h.created_by), config: this.oci.config };
    const hit = (imageId: string) => this.b.reporter.cached(id, imageId);
    if (ins.kind === 'WORKDIR') {
      const createdBy = applyConfig(this.oci, ins, word, this.state);
      const dir = this.oci.config!.WorkingDir!;
      // BuildKit makes the directory as the stage's USER
      const user = this.oci.config!.User;
      // a layer even when the directory was there (an empty one, as BuildKit's mkdir op gives; anchor), none for "/"
      const step = async () => ({ ...await workdirStep(this.b.layout, this.b.images.layerDiffDirs(parent), dir, user), ...(dir !== '/' ? { empty: false } : {}) });
      await this.commitChanges({ ...base, workdir: dir, user }, createdBy!, step, hit);
      return;
    }
    if (ins.kind === 'RUN') {
      const cfg = this.oci.config!;
      let argv = command(ins.cmd, cfg);
      if (ins.node.heredocs.length && 'shell' in ins.cmd) {
        const only = /^<<-?["']?(\w+)["']?$/.exec(ins.cmd.shell.trim());
        const script = only ? ins.node.heredocs[0].content : `${ins.cmd.shell}\n${ins.node.heredocs.map((h) => `${h.content}${h.name}`).join('\n')}`;
        argv = [...argv.slice(0, -1), script];
      }
      const argEnv = this.argEnv();
      // the history names every ARG in scope with the value the command sees (an ENV's wins), as BuildKit (anchor)
      const env = varsOf(cfg.Env ?? []);
      // an ARG without a value is named too, empty (BuildKit's runCommandString; anchor), though the command does not see it
      const declared = [...this.args].map(([k, v]) => `${k}=${env.get(k) ?? v ?? ''}`);
      const createdBy = `RUN ${declared.length ? `|${declared.length} ${declared.join(' ')} ` : ''}${argv.join(' ')} # buildkit`;
      const network = ins.network ?? this.b.network;
      const mounts = await runMounts(this.b.layout, ins.mounts.map(word), cfg.WorkingDir || '/', {
        resolve: (source, from) => resolveSources(this.b, [source], from, this.index), ...this.b.given,
      });
      try {
        const requests = mounts.flatMap((m) => (m.request ? [m.request] : []));
        const mountEnv = mounts.flatMap((m) => (m.env ? [m.env] : []));
        await this.commitChanges({ ...base, run: argv, args: argEnv, network, mounts: mounts.map((m) => m.key) }, createdBy, () => runStep(this.b.layout, this.b.containers, {
          imageId: parent.id, argv, env: [...argEnv, ...(cfg.Env ?? []), ...mountEnv], user: cfg.User || undefined, mounts: requests,
          workingDir: cfg.WorkingDir || undefined, network, output: (d) => this.b.reporter.output(id, d), signal: this.b.signal,
        }), hit);
      } finally {
        for (const m of mounts) await m.release();
      }
      return;
    }
    if (ins.kind !== 'COPY' && ins.kind !== 'ADD') throw new BerthError('INTERNAL', `${ins.kind} is not a file step`);
    const wd = this.oci.config!.WorkingDir || '/';
    const rawDest = word(ins.dest);
    const dest = posix.resolve(wd, rawDest);
    const destIsDir = rawDest.endsWith('/') || rawDest.endsWith('/.') || rawDest === '.';
    const from = ins.from !== undefined ? word(ins.from) : undefined;
    const words = ins.sources.filter((s) => !/^<<-?["']?\w+["']?$/.test(s)).map(word);
    const isUrl = (s: string) => ins.kind === 'ADD' && /^https?:\/\//.test(s);
    const srcs = words.filter((s) => !isUrl(s));
    const fetched = [];
    try {
      const urls = words.filter(isUrl);
      // node's HTTP client is loaded only by a build that fetches
      const { fetchUrl } = urls.length ? await import('./fetch-url.js') : { fetchUrl: undefined };
      for (const u of urls) fetched.push(await fetchUrl!(this.b.layout, u));
      const resolved = srcs.length || !fetched.length
        ? await resolveSources(this.b, srcs, from, this.index)
        : { sources: [], digest: undefined, fromId: undefined, release: async () => undefined };
      try {
        const sources: CopySource[] = [...resolved.sources, ...fetched.map((f) => ({ path: f.path, rel: f.name, remote: true }))];
        // an unquoted heredoc's variables expand (its quotes and escapes are content)
        const heredocs = ins.heredocs.map((h) => (h.expand ? { ...h, content: this.b.expand(h.content, this.vars(), ins.node.line, undefined, true) } : h));
        if (sources.length + heredocs.length > 1 && !destIsDir) {
          throw invalid('When using COPY with more than one source file, the destination must be a directory and end with a /');
        }
        const chown = ins.chown !== undefined ? word(ins.chown) : undefined;
        const chmod = ins.chmod !== undefined ? word(ins.chmod) : undefined;
        // BuildKit's text (dispatchCopy): the words expanded, --chown/--chmod named, never --from (anchor: 20.10 named neither flag)
        const flags = [...(chown !== undefined ? [`--chown=${chown}`] : []), ...(chmod !== undefined ? [`--chmod=${chmod}`] : [])];
        const createdBy = [ins.kind, ...flags, ...words, ...ins.heredocs.map((h) => `<<${h.name}`), rawDest, '# buildkit'].join(' ');
        const key = {
          ...base, copy: ins.kind, srcs: words, dest, destIsDir, from: resolved.fromId, digest: resolved.digest,
          urls: fetched.map((f) => f.digest), chown, chmod, heredocs,
        };
        await this.commitChanges(key, createdBy, () => copyStep(this.b.layout, {
          lowerDirs: this.b.images.layerDiffDirs(parent), sources, heredocs, dest, destIsDir, chown, chmod,
          extract: ins.kind === 'ADD', skip: from === undefined ? (rel) => this.b.context.skips(rel) : undefined,
        }), hit);
      } finally {
        await resolved.release();
      }
    } finally {
      for (const f of fetched) await f.release();
    }
  }

  /** Looks the step up; on a miss runs it and commits its changes with the pending config history. */
  private async commitChanges(key: object, createdBy: string, make: () => Promise<Changes>, onHit: (imageId: string) => void): Promise<void> {
    const parent = this.snap.image;
    const oci = this.oci;
    const pending = this.pending;
    const snap = await this.b.cached(key, async () => {
      const ch = await make();
      try {
        const entry: HistoryEntry = { created_by: createdBy, comment: COMMENT, ...(ch.empty ? { empty_layer: true } : {}) };
        return await commitStep(this.b.images, parent, { ...oci, rootfs: this.snap.oci.rootfs, history: this.snap.oci.history }, [...pending, entry],
          ch.empty ? undefined : { upper: ch.upper, lowerDirs: ch.lowerDirs });
      } finally {
        // a step's container or scratch goes while the next step runs; the build waits for all at its end
        this.b.later(ch.dispose());
      }
    }, onHit);
    this.snap = snap;
    this.oci = structuredClone(snap.oci);
    this.oci.config ??= {};
    this.pending = [];
    this.dirty = false;
  }

  /** The image of the last file step. */
  get imageId(): string { return this.snap.image.id; }

  /** The stage's image: the last step's, with any config changes after it committed. */
  async finish(): Promise<Snapshot> {
    if (this.pending.length === 0 && !this.dirty) return this.snap;
    const parent = this.snap;
    const oci = this.oci;
    const pending = this.pending;
    const snap = await this.b.cached({ parent: parent.image.id, pending: pending.map((h) => h.created_by), config: oci.config, author: oci.author }, () =>
      commitStep(this.b.images, parent.image, { ...oci, rootfs: parent.oci.rootfs, history: parent.oci.history }, pending));
    this.snap = snap;
    this.pending = [];
    this.dirty = false;
    return snap;
  }
}

export type { Builder };
