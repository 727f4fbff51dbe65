// docker's pull through the API (POST /images/create): the daemon's progress
// messages, one JSON document a line, go to the same ProgressSink the embedded
// pull draws; the digest and whether anything changed are read from its words
// (its closing "Digest:" and "Status:" lines are the caller's to print, as after
// the embedded pull).
import type Dockerode from 'dockerode';
import type { ProgressSink } from '../../engine/registry/index.js';
import { jsonLines } from './channel.js';

interface ApiProgress { status?: string; id?: string; progressDetail?: { current?: number; total?: number }; error?: string; errorDetail?: { message?: string } }

export async function apiPull(docker: Dockerode, ref: string, progress: ProgressSink, platform?: string): Promise<{ digest: string; changed: boolean }> {
  // an engine that says neither "Downloaded newer image" nor "Image is up to date" (podman): the image's ID before and after
  const before = (await docker.getImage(ref).inspect().catch(() => undefined))?.Id;
  const stream = (await docker.pull(ref, platform ? { platform } : {})) as NodeJS.ReadableStream;
  let digest = '', changed = true, said = false;
  for await (const m of jsonLines<ApiProgress>(stream)) {
    if (m.error) throw new Error(m.errorDetail?.message ?? m.error);
    const status = m.status ?? '';
    const d = /^Digest: (\S+)/.exec(status);
    if (d) digest = d[1];
    if (/Image is up to date/.test(status)) changed = false;
    if (/^Status: /.test(status)) said = true;
    if (d || /^Status: /.test(status)) continue;
    const bytes = m.progressDetail?.current !== undefined ? { done: m.progressDetail.current, total: m.progressDetail.total } : undefined;
    if (m.id && !/^(Pulling from|Digest|Status)/.test(status)) progress.status(m.id, status, bytes);
    else progress.line(m.id && /^Pulling from/.test(status) ? `${m.id}: ${status}` : status);
  }
  if (!digest || !said) {
    // an engine that does not say it (podman): the repository's digest from the image pulled
    const name = ref.replace(/(@sha256:[0-9a-f]+|:[^/:]+)$/, '');
    const info = await docker.getImage(ref).inspect().catch(() => undefined);
    digest ||= info?.RepoDigests?.find((d) => d.startsWith(`${name}@`))?.split('@')[1] ?? info?.RepoDigests?.[0]?.split('@')[1] ?? '';
    if (!said && info) changed = info.Id !== before;
  }
  return { digest, changed };
}
