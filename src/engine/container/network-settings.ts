// docker's NetworkSettings for `inspect`, in docker's key order. berth's
// containers have their own, empty network namespace (docker's --network none):
// one "none" network, no addresses, no ports; SandboxKey is that namespace.
import { goMap } from '../template/index.js';

export function networkSettings(pid: number): Record<string, unknown> {
  return {
    Bridge: '',
    SandboxID: '',
    SandboxKey: pid ? `/proc/${pid}/ns/net` : '',
    Ports: goMap({}, null),
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: '',
    Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    MacAddress: '',
    Networks: goMap({
      none: {
        IPAMConfig: null, Links: null, Aliases: null, MacAddress: '', NetworkID: '', EndpointID: '', Gateway: '',
        IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0,
        DriverOpts: null, DNSNames: null,
      },
    }, null),
  };
}
