import type { PortBinding } from './ports.js';

// networks/<id>.json: docker's `network inspect` shape, which is also the
// allocation table (Containers: one endpoint per attached container), so one
// locked read-modify-write keeps addresses unique.

export interface IpamConfig {
  Subnet: string;
  Gateway: string;
  IPRange?: string;
}

/** An attached container. Its host-side veth name derives from EndpointID (vethName). */
export interface EndpointRecord {
  Name: string;
  EndpointID: string;
  MacAddress: string;
  /** "172.17.0.2/16", as docker shows it. */
  IPv4Address: string;
  IPv6Address: string;
  /** berth's: -p bindings (host ports resolved) that NAT sends to this endpoint. */
  Ports?: PortBinding[];
  /** berth's: what the network's resolver answers with this endpoint's address (name,
   * --network-alias values, short id, hostname; docker's DNSNames). */
  DNSNames?: string[];
  /** berth's: the container's --dns servers, where the resolver sends the names it does not
   * know when this container asks (docker's embedded DNS does the same). */
  DNSServers?: string[];
}

export interface NetworkRecord {
  Name: string;
  Id: string;
  Created: string;
  Scope: 'local';
  Driver: 'bridge';
  EnableIPv6: false;
  IPAM: { Driver: 'default'; Options: Record<string, string>; Config: IpamConfig[] };
  Internal: boolean;
  Attachable: boolean;
  Ingress: false;
  ConfigFrom: { Network: string };
  ConfigOnly: false;
  Containers: Record<string, EndpointRecord>;
  /** -o KEY=VALUE; com.docker.network.bridge.name is always set (the kernel bridge's name). */
  Options: Record<string, string>;
  Labels: Record<string, string>;
}

export const BRIDGE_NAME_OPTION = 'com.docker.network.bridge.name';
export const DEFAULT_NETWORK = 'bridge';
/** The default network's kernel bridge (docker's is docker0). */
export const DEFAULT_BRIDGE = 'berth0';

export interface CreateNetworkOptions {
  name: string;
  driver?: string;
  subnet?: string;
  gateway?: string;
  ipRange?: string;
  internal?: boolean;
  attachable?: boolean;
  labels?: Record<string, string>;
  options?: Record<string, string>;
}

/** An endpoint as the runtime needs it: everything decided, ready to replay. */
export interface Attachment {
  network: string;
  networkId: string;
  bridge: string;
  endpointId: string;
  hostVeth: string;
  ip: string;
  prefixLen: number;
  gateway: string;
  mac: string;
  internal: boolean;
  subnet: string;
  ports: PortBinding[];
  dnsNames: string[];
}
