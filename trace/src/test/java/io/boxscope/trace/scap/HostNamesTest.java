package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The host names fd.*ip.name comparisons resolve (sinsp_dns_manager, libs e5c53d64 dns_manager.cpp): each name resolved
 * once, kept even when it does not resolve; no value for an address before a comparison resolved a name to it; the
 * name resolved first wins for an address two names share.
 */
class HostNamesTest {
    private static final byte[] LOOPBACK = {127, 0, 0, 1};
    private static final byte[] V6_LOOPBACK = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    @Test
    void namesResolveOnceAndNameTheirAddressesFromThen() {
        List<String> asked = new ArrayList<>();
        Map<String, List<byte[]>> dns = Map.of("db.example", List.of(LOOPBACK, V6_LOOPBACK), "other.example", List.of(LOOPBACK));
        HostNames names = new HostNames(n -> {
            asked.add(n);
            return dns.getOrDefault(n, List.of());
        });
        assertNull(names.nameOf(LOOPBACK), "no reverse lookup: nothing before a comparison");
        assertFalse(names.match("nowhere.invalid", LOOPBACK));
        assertFalse(names.match("nowhere.invalid", LOOPBACK));
        assertNull(names.nameOf(LOOPBACK));
        assertTrue(names.match("db.example", V6_LOOPBACK));
        assertTrue(names.match("other.example", LOOPBACK));
        // the cache's order (bit-reversed libstdc++ std::hash, ascending), not the order of resolution
        assertEquals(Long.compareUnsigned(Long.reverse(HostNames.stdHash("db.example")), Long.reverse(HostNames.stdHash("other.example"))) < 0
                ? "db.example" : "other.example", names.nameOf(LOOPBACK));
        assertEquals("db.example", names.nameOf(V6_LOOPBACK));
        assertFalse(names.match("db.example", new byte[] {127, 0, 0, 2}));
        assertEquals(List.of("nowhere.invalid", "db.example", "other.example"), asked, "each name resolved once");
    }

    @Test
    void theSystemResolverKeepsANameItCannotResolveWithoutAddresses() {
        HostNames names = new HostNames();
        assertFalse(names.match("", LOOPBACK), "getaddrinfo resolves no empty name (InetAddress would: the loopback)");
        assertFalse(names.match("[127.0.0.1]", LOOPBACK));
        assertFalse(names.match("no such host.invalid", LOOPBACK));
        assertTrue(names.match("127.0.0.1", LOOPBACK), "an address literal resolves to itself, as getaddrinfo's");
        assertEquals("127.0.0.1", names.nameOf(LOOPBACK));
    }

    /**
     * libstdc++'s std::hash of strings (_Hash_bytes, seed 0xc70f6907), values printed by a C++ program compiled with
     * g++ 12 (Debian 12, x86_64: std::hash&lt;std::string&gt;{}(s)); and the order sysdig 0.29 -r showed for "127.0.0.1" and "localhost", both resolved to 127.0.0.1 by a filter
     * (TraceUdp6NameTest): "127.0.0.1" answers.
     */
    @Test
    void theCacheOrderIsSinsps() {
        assertEquals(0x553e93901e462a6eL, HostNames.stdHash(""));
        assertEquals(0x564509d86cc593ecL, HostNames.stdHash("localhost"));
        assertEquals(0xc566b5a07e243f40L, HostNames.stdHash("127.0.0.1"));
        assertEquals(0x68caddbecaf1fd43L, HostNames.stdHash("db.example.org"));
        HostNames names = new HostNames(n -> List.of(LOOPBACK));
        names.match("localhost", LOOPBACK);
        names.match("127.0.0.1", LOOPBACK);
        assertEquals("127.0.0.1", names.nameOf(LOOPBACK));
    }

    /**
     * The cache order is made when a name is added, not at each evaluation: 40 names sharing one address, resolved in
     * the order given, then 1,000 evaluations; each name hashed once, and the answer is the name whose bit-reversed
     * std::hash is the smallest (unsigned), as a sort of all of them would give.
     */
    @Test
    void eachNameIsHashedOnceWhenAddedAndEvaluationsOnlyWalkTheOrder() {
        HostNames names = new HostNames(n -> List.of(LOOPBACK));
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String n = "host" + i + ".example";
            all.add(n);
            names.match(n, LOOPBACK);
        }
        all.sort((x, y) -> Long.compareUnsigned(Long.reverse(HostNames.stdHash(x)), Long.reverse(HostNames.stdHash(y))));
        for (int i = 0; i < 1000; i++) {
            assertEquals(all.get(0), names.nameOf(LOOPBACK));
        }
        assertNull(names.nameOf(V6_LOOPBACK));
        names.match(all.get(5), LOOPBACK); // known already: neither resolved nor hashed again
        assertEquals(40, names.hashed(), "one hash per name added, none per evaluation");
    }
}
