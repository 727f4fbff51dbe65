// The network service's face: bridge networks (records, IPAM) and the
// kernel side they decide (bridges, veth pairs, NAT), docker's flags.
export { NetworkStore, attachment, type AttachRequest } from './store.js';
export { nextSubnet, nextAddress, macFor } from './ipam.js';
export { parseCidr, formatCidr, parseIp, formatIp } from './cidr.js';
export { routedPrefixes } from './routes.js';
export { vethName } from './names.js';
export { BRIDGE_NAME_OPTION, DEFAULT_NETWORK, DEFAULT_BRIDGE } from './types.js';
export type { NetworkRecord, EndpointRecord, Attachment, CreateNetworkOptions } from './types.js';
export { ensureBridge, plugEndpoint, unplugEndpoint, removeBridge } from './kernel.js';
export { parseNetworkMode, type NetworkMode } from './mode.js';
export { firewallBatch, syncFirewall } from './firewall.js';
export { pruneTest, NETWORK_PRUNE_FILTERS } from './prune-filter.js';
export { parsePublish, parseExpose, publishAll, bindable, freePort, formatBinding, listedPorts, displayPorts, naturalLess, type PortBinding, type ListedPort } from './ports.js';
export { ensureResolver, stopIdleResolver, resolvesNames, runningResolver, resolverProcesses, resolverFiles, killResolver } from './resolver.js';
