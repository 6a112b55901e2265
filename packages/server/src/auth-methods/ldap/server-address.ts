/**
 * `ldap_server` is Semaphore's `host:port` (`ldap.example.org:389`); the
 * port may be left out (389, or 636 for LDAPS) and an IPv6 address is
 * written in brackets (`[2001:db8::1]:636`). URLs are refused with a hint,
 * since the scheme is what `ldap_needtls` decides.
 */
export interface ServerAddress {
  host: string;
  port: number | null;
}

export function parseServerAddress(text: string): ServerAddress {
  const v = text.trim();
  if (/^[a-z]+:\/\//i.test(v)) throw new Error('must be host:port (no ldap:// or ldaps://; ldap_needtls chooses LDAPS)');
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]/]+))(?::(\d{1,5}))?$/.exec(v);
  const port = m?.[3] === undefined ? null : Number(m[3]);
  if (!m || (port !== null && (port < 1 || port > 65535))) throw new Error('must be host:port, e.g. ldap.example.org:389');
  return { host: m[1] ?? m[2]!, port };
}
