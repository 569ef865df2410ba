/**
 * Every SSRF destination form the egress policy must refuse (issue 13 and the usual extras): an
 * address (for a test resolver to answer) and the URL host that names it literally. Shared by the
 * policy's own tests and the routes' configuration tests.
 */
export interface SsrfForm {
  name: string;
  /** What a hostile DNS answer would be. */
  address: string;
  /** A URL naming the destination literally (other spellings included). */
  url: string;
}

const at = (name: string, address: string, port = 443): SsrfForm => ({
  name,
  address,
  url: `https://${address.includes(':') ? `[${address}]` : address}:${port}/x`,
});

export const SSRF_FORMS: readonly SsrfForm[] = [
  at('private 10/8', '10.0.0.1'),
  at('private 172.16/12', '172.16.0.1'),
  at('private 172.16/12, its last address', '172.31.255.254'),
  at('private 192.168/16', '192.168.1.1'),
  at('CGNAT 100.64/10', '100.64.0.1'),
  at('CGNAT 100.64/10, its last address', '100.127.255.254'),
  at('link-local 169.254/16: cloud metadata', '169.254.169.254'),
  at('unique-local fd00::/8', 'fd00::1'),
  at('unique-local fc00::/7', 'fc00::1'),
  at('link-local fe80::/10', 'fe80::1'),
  at('IPv4-mapped private ::ffff:10.0.0.1', '::ffff:10.0.0.1'),
  at('IPv4-mapped loopback ::ffff:7f00:1', '::ffff:7f00:1'),
  at('IPv4-mapped metadata', '::ffff:169.254.169.254'),
  at('IPv4-compatible loopback ::7f00:1', '::7f00:1'),
  at('NAT64 of 10/8', '64:ff9b::a00:1'),
  at('6to4 of 10/8', '2002:a00:1::1'),
  at('Teredo', '2001:0:4136:e378:8000:63bf:3fff:fdd2'),
  at('unspecified 0.0.0.0', '0.0.0.0'),
  at('unspecified ::', '::'),
  at('loopback 127.0.0.1', '127.0.0.1'),
  at('loopback 127/8', '127.1.2.3'),
  at('loopback ::1', '::1'),
  at('multicast 224/4', '224.0.0.1'),
  at('multicast ff00::/8', 'ff02::1'),
  at('broadcast', '255.255.255.255'),
  at('reserved 240/4', '240.0.0.1'),
  at('documentation 192.0.2/24', '192.0.2.1'),
  // Plain http to loopback ports (databases, a cache): the port map the issue describes.
  { name: 'http to loopback :5432', address: '127.0.0.1', url: 'http://127.0.0.1:5432/' },
  { name: 'http to localhost :6379', address: '127.0.0.1', url: 'http://localhost:6379/' },
  { name: 'http to [::1]:3306', address: '::1', url: 'http://[::1]:3306/' },
  // Other spellings of loopback and 0.0.0.0 (the URL parser normalises them; the policy sees the address).
  { name: 'decimal 2130706433', address: '127.0.0.1', url: 'http://2130706433:8080/' },
  { name: 'hex 0x7f.1', address: '127.0.0.1', url: 'http://0x7f.1:8080/' },
  { name: 'short 127.1', address: '127.0.0.1', url: 'http://127.1:8080/' },
  { name: 'zero 0', address: '0.0.0.0', url: 'http://0:8080/' },
];
