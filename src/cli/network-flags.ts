// run/create's network flags: --network (--net), --ip, --mac-address, --network-alias, -p, -P,
// --expose and the
// /etc files' --add-host, --dns, --dns-search, --dns-option. Checked by the
// engine at create (container/network.ts).
import type { Argv } from 'yargs';
import type { NetworkConfig } from '../engine/container/index.js';
import { parseExpose, parsePublish } from '../engine/network/index.js';

export interface NetworkArgs {
  network?: string;
  ip?: string;
  'mac-address'?: string;
  'network-alias'?: string[];
  'add-host'?: string[];
  dns?: string[];
  'dns-search'?: string[];
  'dns-option'?: string[];
  publish?: string[];
  'publish-all'?: boolean;
  expose?: string[];
}

/** Flags that take a value, for splitting off the container's command. */
export const networkValueFlags = ['publish', 'p', 'expose', 'network', 'net', 'ip', 'mac-address', 'network-alias', 'add-host', 'dns', 'dns-search', 'dns-option'];

export function networkOptions<T>(y: Argv<T>): Argv<T & NetworkArgs> {
  return y
    .option('publish', { alias: 'p', type: 'string', array: true, nargs: 1, describe: "publish a container's port to the host ([IP:][HOST_PORT:]PORT[/udp])" })
    .option('publish-all', { alias: 'P', type: 'boolean', describe: 'publish all exposed ports to random host ports' })
    .option('expose', { type: 'string', array: true, nargs: 1, describe: 'expose a port or a range of ports (PORT[-END][/udp])' })
    .option('network', { alias: 'net', type: 'string', describe: 'connect the container to a network (bridge, none, host, NAME)' })
    .option('ip', { type: 'string', describe: 'IPv4 address on a user-defined network (e.g. 172.30.100.104)' })
    .option('mac-address', { type: 'string', describe: 'container MAC address (e.g. 92:d0:c6:0a:29:33)' })
    .option('network-alias', { type: 'string', array: true, nargs: 1, describe: 'add a network-scoped alias for the container (user-defined networks)' })
    .option('add-host', { type: 'string', array: true, nargs: 1, describe: 'add a custom host-to-IP mapping (host:ip)' })
    .option('dns', { type: 'string', array: true, nargs: 1, describe: 'set custom DNS servers' })
    .option('dns-search', { type: 'string', array: true, nargs: 1, describe: 'set custom DNS search domains' })
    .option('dns-option', { type: 'string', array: true, nargs: 1, describe: 'set DNS options' }) as unknown as Argv<T & NetworkArgs>;
}

export function toNetworkConfig(a: NetworkArgs): NetworkConfig {
  return {
    mode: a.network ?? 'bridge',
    ...(a.ip ? { ip: a.ip } : {}),
    ...(a['mac-address'] ? { mac: a['mac-address'] } : {}),
    ...(a['network-alias']?.length ? { aliases: a['network-alias'] } : {}),
    ...(a['add-host']?.length ? { extraHosts: a['add-host'] } : {}),
    ...(a.dns?.length ? { dns: a.dns } : {}),
    ...(a['dns-search']?.length ? { dnsSearch: a['dns-search'] } : {}),
    ...(a['dns-option']?.length ? { dnsOptions: a['dns-option'] } : {}),
    ...(a.publish?.length ? { ports: a.publish.flatMap(parsePublish) } : {}),
    ...(a.expose?.length ? { exposedPorts: a.expose.flatMap((e) => parseExpose(e)) } : {}),
    ...(a['publish-all'] ? { publishAll: true } : {}),
  };
}
