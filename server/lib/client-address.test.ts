import { describe, expect, it } from 'vitest';
import { normalizeAddress, pickClientAddress } from './client-address.ts';

describe(pickClientAddress.name, () => {
	it.each([
		['no proxy trusted: the peer, whatever the header says', { peer: '198.51.100.1', forwardedFor: '203.0.113.9', trustedProxies: 0 }, '198.51.100.1'],
		['one proxy: the entry it appended', { peer: '10.0.0.2', forwardedFor: 'forged, 203.0.113.9', trustedProxies: 1 }, '203.0.113.9'],
		['two proxies: the entry the outer one appended', { peer: '10.0.0.2', forwardedFor: 'forged, 203.0.113.9, 10.0.0.1', trustedProxies: 2 }, '203.0.113.9'],
		['a proxy but no header (a direct request): the peer', { peer: '10.0.0.2', trustedProxies: 1 }, '10.0.0.2'],
		['more hops than entries: the furthest one known', { peer: '10.0.0.2', forwardedFor: '203.0.113.9', trustedProxies: 3 }, '203.0.113.9']
	])('%s', (_, input, expected) => {
		expect(pickClientAddress(input)).toBe(expected);
	});
});

describe(normalizeAddress.name, () => {
	it.each([
		['::ffff:192.0.2.7', '192.0.2.7'],
		['192.0.2.7:51234', '192.0.2.7'],
		['[2001:db8:1:2:3:4:5:6]:443', '2001:db8:1:2::/64'],
		['2001:DB8:1:2::9', '2001:db8:1:2::/64'],
		['2001:db8::1', '2001:db8:0:0::/64'],
		['fe80::1%eth0', 'fe80:0:0:0::/64'],
		['::1', '0:0:0:0::/64'],
		['unknown', 'unknown']
	])('%s → %s', (raw, expected) => {
		expect(normalizeAddress(raw)).toBe(expected);
	});

	it('gives every address in one /64 the same key', () => {
		expect(normalizeAddress('2001:db8:aa:bb:1::1')).toBe(normalizeAddress('2001:db8:aa:bb:ffff:ffff:ffff:ffff'));
		expect(normalizeAddress('2001:db8:aa:bb::1')).not.toBe(normalizeAddress('2001:db8:aa:bc::1'));
	});
});
