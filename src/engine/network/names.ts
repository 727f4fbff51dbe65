// Names the kernel and docker accept: network names (docker's container-name
// rule) and interface names (IFNAMSIZ-1 = 15 bytes, no '/', ':' or blanks).
import { conflict, invalid } from '../errors.js';

export function checkNetworkName(name: string): string {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) throw invalid(`invalid network name "${name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  if (name === 'host' || name === 'none') throw conflict(`network with name ${name} already exists`);
  return name;
}

export function checkInterfaceName(name: string, what: string): string {
  if (name.length === 0 || name.length > 15 || /[\s/:]/.test(name) || name === '.' || name === '..') throw invalid(`invalid ${what} "${name}": an interface name has 1 to 15 characters and no '/', ':' or blanks`);
  return name;
}

/** The host end of an endpoint's veth pair: docker's is veth + 7 hex; the endpoint id makes it unique. */
export function vethName(endpointId: string): string {
  return `veth${endpointId.slice(0, 11)}`;
}
