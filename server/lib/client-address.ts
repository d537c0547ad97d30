import { isIP } from 'node:net';
import type { Context } from 'hono';

/**
 * The address a request came from, for per-client limits (sign-in slow-down).
 *
 * `trustedProxies` is how many reverse proxies stand in front of this server (config
 * trustProxyHops, FANGYAN_TRUST_PROXY). With 0 the socket's peer is the client and
 * X-Forwarded-For is ignored: anyone can write that header, so trusting it without a proxy would
 * let each request claim a new address. With n proxies, each appended the address it received
 * from, so the client is the entry n places before the socket's peer in [...forwarded, peer].
 *
 * IPv4-mapped IPv6 addresses become IPv4; other IPv6 addresses are reduced to their /64, which one
 * subscriber usually holds in full (so rotating addresses inside it gains nothing).
 *
 * @example
 * clientAddress(c, 1); // behind one nginx: the last X-Forwarded-For entry
 */
export function clientAddress(c: Context, trustedProxies: number): string {
	const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
	const peer = incoming?.socket?.remoteAddress ?? 'local';
	return pickClientAddress({ peer, forwardedFor: c.req.header('x-forwarded-for'), trustedProxies });
}

export function pickClientAddress(input: { peer: string; forwardedFor?: string; trustedProxies: number }): string {
	if (input.trustedProxies <= 0) return normalizeAddress(input.peer);
	const forwarded = (input.forwardedFor ?? '')
		.split(',')
		.map((part) => part.trim())
		.filter((part) => part.length > 0);
	const chain = [...forwarded, input.peer];
	return normalizeAddress(chain[Math.max(0, chain.length - 1 - input.trustedProxies)]);
}

export function normalizeAddress(raw: string): string {
	let address = raw.trim();
	// `[2001:db8::1]:443` or `1.2.3.4:5678`, as some proxies write them.
	const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
	if (bracketed) address = bracketed[1];
	else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
	address = address.replace(/%.*$/, '');
	const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(address);
	if (mapped) address = mapped[1];
	const kind = isIP(address);
	if (kind === 4) return address;
	if (kind === 6) return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
	// Not an address (a proxy's placeholder such as `unknown`): a key of its own, bounded.
	return address.slice(0, 100) || 'unknown';
}

function expandIpv6(address: string): string[] {
	const [head, tail] = address.toLowerCase().split('::');
	const parts = (text: string | undefined) => (text ? text.split(':') : []);
	const left = parts(head);
	const right = parts(tail);
	// A trailing dotted IPv4 part counts as two groups.
	const last = right.length > 0 ? right : left;
	if (last.length > 0 && last[last.length - 1].includes('.')) {
		const [a, b, c, d] = last.pop()!.split('.').map(Number);
		last.push(((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
	}
	const missing = tail === undefined ? 0 : 8 - left.length - right.length;
	return [...left, ...Array<string>(missing).fill('0'), ...right].map((g) => g.replace(/^0+(?=.)/, ''));
}
