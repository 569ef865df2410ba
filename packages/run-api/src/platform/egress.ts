/**
 * The egress policy: every request the server itself makes (notifications, OAuth discovery, token
 * and refresh endpoints, JWKS URLs) goes through `EgressPolicy.fetch`. Its undici dispatcher
 * resolves the host name inside `connect`, refuses the request when any resolved address is not
 * public unicast (loopback, private, link-local and metadata, CGNAT, multicast, unspecified,
 * broadcast, reserved, unique-local, and IPv6 forms that embed one of those: mapped, compatible,
 * NAT64, 6to4, Teredo), and connects to exactly the addresses it checked, so a second DNS answer
 * (rebinding) is never used. Redirects are not followed. Ranges come from ipaddr.js.
 *
 * The operator's allow-list (`PAN_EGRESS_ALLOW`: CIDRs, addresses or host names) admits internal
 * destinations, such as the demo's loopback OAuth provider and notification receiver.
 */
import { lookup as dnsLookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Agent, RequestInit as UndiciRequestInit } from 'undici';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Resolves a host name to every address it has (the default is the system resolver, `dns.lookup` with `all`). */
export type EgressResolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

/** What the error of a refused request says: never the addresses the name resolved to. */
export class EgressRefusedError extends Error {
  readonly code = 'EGRESS_REFUSED';
  constructor(readonly host: string) {
    super(`${host} is refused by the egress policy: it is not a public address (PAN_EGRESS_ALLOW admits internal hosts)`);
    this.name = 'EgressRefusedError';
  }
}

/** A 3xx answer to `fetchFollowingNone`: redirects are never followed (the next hop was not checked). */
export class EgressRedirectError extends Error {
  readonly code = 'EGRESS_REDIRECT';
  constructor(readonly status: number) {
    super(`redirect (HTTP ${status}) not followed: configure the final URL`);
    this.name = 'EgressRedirectError';
  }
}

interface AllowList {
  hosts: Set<string>;
  ranges: Array<[Address, number]>;
}

/**
 * Parses `PAN_EGRESS_ALLOW` entries: `10.1.2.0/24`, `127.0.0.1` (one address), `[::1]` or `::1/128`,
 * or a host name (`localhost`, `crm.internal`: exactly that name, whatever it resolves to).
 * Throws on an entry that is none of these.
 */
export function parseEgressAllow(entries: readonly string[]): AllowList {
  const allow: AllowList = { hosts: new Set(), ranges: [] };
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
    if (entry === '') continue;
    if (entry.includes('/')) {
      try {
        const [address, bits] = ipaddr.parseCIDR(entry);
        // ::ffff:a.b.c.d/n (n >= 96) is the IPv4 range a.b.c.d/(n - 96): addresses are compared unmapped.
        const mapped = address.kind() === 'ipv6' && unmap(address).kind() === 'ipv4' && bits >= 96;
        allow.ranges.push(mapped ? [unmap(address), bits - 96] : [address, bits]);
      } catch {
        throw new Error(`PAN_EGRESS_ALLOW: "${raw}" is not a CIDR range (such as 10.1.2.0/24 or fd00::/8)`);
      }
    } else if (ipaddr.isValid(entry)) {
      const address = unmap(ipaddr.parse(entry));
      allow.ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else if (/^[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*\.?$/.test(entry)) {
      allow.hosts.add(entry.replace(/\.$/, ''));
    } else {
      throw new Error(`PAN_EGRESS_ALLOW: "${raw}" is not a CIDR range, an IP address or a host name`);
    }
  }
  return allow;
}

/** `::ffff:a.b.c.d` as the IPv4 address it is; anything else unchanged. */
function unmap(address: Address): Address {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
}

const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/** The IPv4 address an IPv6 one carries (mapped, compatible, NAT64 /96, 6to4), if any. */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const bytes = address.toByteArray();
  const range = address.range();
  if (range === 'unspecified' || range === 'loopback') return undefined;
  if (range === 'ipv4Mapped' || address.match(IPV4_COMPATIBLE)) return new ipaddr.IPv4(bytes.slice(12, 16));
  // 64:ff9b::/96 only: the local-use NAT64 prefix 64:ff9b:1::/48 is refused as a whole.
  if (range === 'rfc6052' && bytes.slice(4, 12).every((b) => b === 0)) return new ipaddr.IPv4(bytes.slice(12, 16));
  if (range === '6to4') return new ipaddr.IPv4(bytes.slice(2, 6));
  return undefined;
}

/** Whether an address is one the server may call without the allow-list: public unicast only. */
export function isPublicAddress(address: Address): boolean {
  if (address.kind() === 'ipv4') return address.range() === 'unicast';
  const v6 = address as ipaddr.IPv6;
  const embedded = embeddedIPv4(v6);
  if (embedded) return embedded.range() === 'unicast';
  return v6.range() === 'unicast';
}

export interface EgressPolicyOptions {
  /** `PAN_EGRESS_ALLOW` entries. */
  allow: readonly string[];
  /** The resolver (tests pass their own to play DNS); the system's by default. */
  resolve?: EgressResolver;
  /** Connect timeout (ms) of the dispatcher. */
  connectTimeoutMs?: number;
}

export class EgressPolicy {
  readonly #allow: AllowList;
  readonly #resolve: EgressResolver;
  readonly #connectTimeoutMs: number;
  /**
   * undici (its Agent and fetch) is loaded at the first request, not at start: it is a large part
   * of the server's module loading, and a process may never call out.
   */
  #dispatcher: Promise<{ agent: Agent; fetch: typeof import('undici').fetch }> | undefined;

  constructor(options: EgressPolicyOptions) {
    this.#allow = parseEgressAllow(options.allow);
    this.#resolve = options.resolve ?? systemResolve;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  }

  #dispatch(): Promise<{ agent: Agent; fetch: typeof import('undici').fetch }> {
    this.#dispatcher ??= import('undici').then(({ Agent, buildConnector, fetch }) => ({ agent: this.#createAgent(Agent, buildConnector), fetch }));
    return this.#dispatcher;
  }

  #createAgent(AgentClass: typeof Agent, buildConnector: typeof import('undici').buildConnector): Agent {
    const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
      this.#resolveChecked(hostname).then(
        (addresses) => {
          const family = lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : 0;
          const usable = family ? addresses.filter((a) => a.family === family) : addresses;
          if (usable.length === 0) {
            const error = Object.assign(new Error(`${hostname} has no IPv${family} address`), { code: 'ENOTFOUND' });
            callback(error, '', 0);
          } else if (lookupOptions.all) {
            (callback as unknown as (e: null, a: typeof usable) => void)(null, usable);
          } else {
            callback(null, usable[0]!.address, usable[0]!.family);
          }
        },
        (error: NodeJS.ErrnoException) => callback(error, '', 0),
      );
    };
    const connector = buildConnector({ lookup, timeout: this.#connectTimeoutMs });
    return new AgentClass({
      connect: (connectOptions, callback) => {
        // net.connect skips `lookup` for a literal address: check it here.
        const host = connectOptions.hostname.replace(/^\[(.*)\]$/, '$1');
        if (isIP(host) && !this.#permitsAddress(ipaddr.parse(host))) {
          callback(new EgressRefusedError(connectOptions.hostname), null);
          return;
        }
        connector(connectOptions, callback);
      },
    });
  }

  /** Whether the operator's allow-list names this URL's host (by name, or a literal address in its ranges). */
  isAllowListed(url: URL): boolean {
    const host = bare(url.hostname);
    if (this.#allow.hosts.has(host)) return true;
    return ipaddr.isValid(host) && isIP(host) !== 0 && this.#inAllowedRange(ipaddr.parse(host));
  }

  /**
   * Why a configured URL can never be called, or null: its host is a literal address outside public
   * unicast, or `localhost`, and the allow-list does not admit it. Names that resolve to private
   * addresses are refused when the request is made (DNS answers change).
   */
  refusalOf(url: URL): string | null {
    if (this.isAllowListed(url)) return null;
    const host = bare(url.hostname);
    if (isIP(host)) {
      const address = ipaddr.parse(host);
      return isPublicAddress(address) ? null : `names an address in a refused range (${describeRange(address)}): the server never calls it unless PAN_EGRESS_ALLOW admits it`;
    }
    if (host === 'localhost' || host.endsWith('.localhost')) {
      return 'names localhost: the server never calls it unless PAN_EGRESS_ALLOW admits it';
    }
    return null;
  }

  /** `fetch` through the policy; a 3xx answer is returned as it is (never followed). */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const { agent, fetch } = await this.#dispatch();
    const response = await fetch(url, {
      ...(init as UndiciRequestInit),
      redirect: 'manual',
      dispatcher: agent,
    });
    return response as unknown as Response;
  }

  /** `fetch` for libraries (oauth4webapi's and jose's `customFetch`): a 3xx answer is an error. */
  readonly fetchFollowingNone = async (url: string | URL, init: RequestInit = {}): Promise<Response> => {
    const response = await this.fetch(url, init);
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => {});
      throw new EgressRedirectError(response.status);
    }
    return response;
  };

  /**
   * The addresses a connection to `hostname` may use under the policy (refused: EgressRefusedError),
   * for programs that connect by themselves (git): they are pinned to exactly these, so a second
   * DNS answer is never used.
   */
  async checkedAddresses(hostname: string): Promise<Array<{ address: string; family: number }>> {
    const host = bare(hostname);
    if (isIP(host)) {
      if (!this.#permitsAddress(ipaddr.parse(host))) throw new EgressRefusedError(host);
      return [{ address: host, family: isIP(host) }];
    }
    return this.#resolveChecked(host);
  }

  async close(): Promise<void> {
    if (this.#dispatcher) await (await this.#dispatcher).agent.close();
  }

  async #resolveChecked(hostname: string): Promise<Array<{ address: string; family: number }>> {
    const host = bare(hostname);
    const addresses = await this.#resolve(host);
    // Every address is checked, not only the first: the connection may use any of them.
    if (!this.#allow.hosts.has(host) && addresses.some((a) => !ipaddr.isValid(a.address) || !this.#permitsAddress(ipaddr.parse(a.address)))) {
      throw new EgressRefusedError(host);
    }
    return addresses.map((a) => ({ address: a.address, family: a.family === 6 || isIP(a.address) === 6 ? 6 : 4 }));
  }

  #permitsAddress(address: Address): boolean {
    return isPublicAddress(address) || this.#inAllowedRange(address);
  }

  #inAllowedRange(address: Address): boolean {
    const plain = unmap(address);
    return this.#allow.ranges.some(([base, bits]) => plain.kind() === base.kind() && plain.match(base, bits));
  }
}

/** The policy's own words when it stopped a request (refused, or a redirect not followed); undefined otherwise. */
export function egressRefusal(error: unknown): string | undefined {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  for (const candidate of [error, cause]) {
    if (candidate instanceof EgressRefusedError || candidate instanceof EgressRedirectError) return candidate.message;
  }
  return undefined;
}

const bare = (hostname: string) => hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');

function describeRange(address: Address): string {
  if (address.kind() === 'ipv6') {
    const embedded = embeddedIPv4(address as ipaddr.IPv6);
    if (embedded) return `${embedded.range()} (IPv4 in IPv6)`;
  }
  return address.range();
}

const systemResolve: EgressResolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });
