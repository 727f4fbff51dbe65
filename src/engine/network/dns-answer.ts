// One DNS query to a network's resolver, answered from berth's records or
// passed on: the wire format is dns-packet's (a well-kept codec, not ours).
// Container names answer A with their addresses and every other type with an
// empty NOERROR (so a resolver library does not go on to the host's servers
// for a name it knows, and ::1-style AAAA fallbacks get no wrong answer);
// addresses answer PTR. Everything else goes upstream unchanged, bytes as
// they came, so EDNS, DNSSEC and the rest keep working end to end. Docker's
// embedded DNS uses the same TTL (600 s); names are still current at once,
// because the records are read before every answer (dns-main.ts).
import * as packet from 'dns-packet';
import { lookupAddress, lookupName, reverseName } from './dns-names.js';
import type { NetworkRecord } from './types.js';

const TTL = 600;
const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

export type Answer = { reply: Buffer } | { forward: true };

/** `all`: the network records as they are now; `networkId`: the resolver's network. */
export function answerQuery(query: Buffer, source: string, all: NetworkRecord[], networkId: string, internal: boolean): Answer {
  let q: packet.DecodedPacket;
  try {
    q = packet.decode(query);
  } catch {
    return { reply: Buffer.alloc(0) }; // not DNS: no answer at all
  }
  const reply = (rcode: number, answers: packet.Answer[] = []): Answer => ({
    reply: packet.encode({
      type: 'response',
      id: q.id,
      flags: (q.flags ?? 0) & packet.RECURSION_DESIRED | packet.RECURSION_AVAILABLE | rcode,
      questions: q.questions,
      answers,
    }),
  });
  const question = q.questions?.[0];
  if (q.type !== 'query' || q.questions?.length !== 1 || !question || question.class !== 'IN') return reply(RCODE.REFUSED);
  const name = question.name.replace(/\.$/, '');
  const found = lookupName(all, networkId, source, name);
  if (found.kind === 'refused') return reply(RCODE.REFUSED);
  if (found.kind === 'known') {
    return reply(RCODE.NOERROR, question.type === 'A' ? found.ips.map((ip) => ({ type: 'A', name: question.name, ttl: TTL, class: 'IN', data: ip })) : []);
  }
  const ptr = question.type === 'PTR' ? reverseName(name) : undefined;
  const owner = ptr && lookupAddress(all, networkId, source, ptr);
  if (owner) return reply(RCODE.NOERROR, [{ type: 'PTR', name: question.name, ttl: TTL, class: 'IN', data: owner }]);
  // an --internal network reaches nothing outside, its resolver neither (as docker's)
  if (internal) return reply(RCODE.SERVFAIL);
  return { forward: true };
}

/** SERVFAIL for a query no upstream answered (undefined if it is not DNS). */
export function serverFailure(query: Buffer): Buffer | undefined {
  try {
    const q = packet.decode(query);
    return packet.encode({ type: 'response', id: q.id, flags: (q.flags ?? 0) & packet.RECURSION_DESIRED | packet.RECURSION_AVAILABLE | RCODE.SERVFAIL, questions: q.questions });
  } catch {
    return undefined;
  }
}
