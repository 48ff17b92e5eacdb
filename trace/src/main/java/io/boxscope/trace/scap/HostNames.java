package io.boxscope.trace.scap;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The host names a filter's fd.cip.name, fd.sip.name, fd.lip.name and fd.rip.name comparisons resolved, as sinsp's
 * sinsp_dns_manager keeps them (libs e5c53d64 userspace/libsinsp/dns_manager.cpp): {@link #match} resolves a name
 * the first time a comparison needs it (getaddrinfo, AF_UNSPEC: every IPv4 and IPv6 address) and keeps the answer;
 * {@link #nameOf} gives the first kept name holding an address, which is then those fields' value. No reverse lookup
 * is ever made, so before a filter compared a name the fields have no value, and a format alone prints {@code <NA>}.
 * A name that does not resolve is kept with no addresses. Not modelled: sinsp's resolver thread re-resolves names
 * every 10 s and forgets those unused for an hour (event time against the wall clock, so on a capture over an hour old
 * sysdig drops a name at a moment that thread picks: a race, not a rule); one run of a command resolves each name once
 * and keeps it.
 */
public final class HostNames {
    private final Function<String, List<byte[]>> resolver;
    private final Map<String, List<byte[]>> resolved = new LinkedHashMap<>();
    /**
     * The resolved names in sinsp's cache order ({@link #nameOf}), each with its sort key (the bit-reversed
     * {@link #stdHash}) computed once, when the name is added: a name is inserted after every name whose key is not
     * larger, so names with equal keys keep the order they were resolved in.
     */
    private final List<Cached> order = new ArrayList<>();
    /** How many names were hashed ({@link #stdHash}), for the test that each is hashed once. */
    private int hashed;

    private record Cached(String name, long key, List<byte[]> addrs) {}

    /** Names resolved by the system's resolver ({@link InetAddress#getAllByName}, getaddrinfo as sinsp's). */
    public HostNames() {
        this(HostNames::lookUp);
    }

    /** Names resolved by {@code resolver} (a name to its addresses, 4 or 16 bytes each; none when it does not resolve). */
    public HostNames(Function<String, List<byte[]>> resolver) {
        this.resolver = resolver;
    }

    private static List<byte[]> lookUp(String name) {
        if (name.isEmpty() || name.startsWith("[")) {
            // InetAddress takes "" for the loopback address and "[::1]" for ::1; getaddrinfo takes neither
            return List.of();
        }
        try {
            List<byte[]> out = new ArrayList<>();
            for (InetAddress a : InetAddress.getAllByName(name)) {
                out.add(a.getAddress());
            }
            return out;
        } catch (UnknownHostException | SecurityException e) {
            return List.of(); // sinsp_dns_manager::resolve keeps a name getaddrinfo failed for, with no addresses
        }
    }

    /** Whether {@code name} (resolved now if it was not before) has the address {@code addr}. */
    public synchronized boolean match(String name, byte[] addr) {
        List<byte[]> addrs = resolved.get(name);
        if (addrs == null) {
            addrs = resolver.apply(name);
            resolved.put(name, addrs);
            long key = Long.reverse(stdHash(name));
            hashed++;
            int at = order.size();
            while (at > 0 && Long.compareUnsigned(order.get(at - 1).key(), key) > 0) {
                at--;
            }
            order.add(at, new Cached(name, key, addrs));
        }
        for (byte[] a : addrs) {
            if (Arrays.equals(a, addr)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The first resolved name, in the cache's iteration order, that has the address {@code addr}, or null. sinsp's cache
     * is a tbb::concurrent_unordered_map of the names (oneTBB 2021, as Debian's sysdig 0.29 links it): a split-ordered
     * list, iterated in the ascending order of each name's bit-reversed std::hash (libstdc++'s {@link #stdHash}), so
     * of two names with the address ("localhost" and "127.0.0.1") the one first in that order answers, whichever a
     * filter resolved first. The order is kept as names are added ({@link #match}), so an evaluation only walks it.
     */
    public synchronized String nameOf(byte[] addr) {
        for (Cached c : order) {
            for (byte[] a : c.addrs()) {
                if (Arrays.equals(a, addr)) {
                    return c.name();
                }
            }
        }
        return null;
    }

    /** How many times a name was hashed for the cache order: once per name resolved (for tests). */
    synchronized int hashed() {
        return hashed;
    }

    /**
     * std::hash&lt;std::string&gt; of libstdc++ on a 64-bit target: _Hash_bytes (libstdc++-v3/libsupc++/hash_bytes.cc, the
     * 64-bit MurmurHash variant) over the name's bytes with the seed 0xc70f6907.
     */
    static long stdHash(String name) {
        byte[] b = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        final long mul = (0xc6a4a793L << 32) + 0x5bd1e995L;
        int aligned = b.length & ~7;
        long hash = 0xc70f6907L ^ (b.length * mul);
        for (int p = 0; p < aligned; p += 8) {
            long data = shiftMix(littleEndian(b, p, 8) * mul) * mul;
            hash ^= data;
            hash *= mul;
        }
        if ((b.length & 7) != 0) {
            hash ^= littleEndian(b, aligned, b.length & 7);
            hash *= mul;
        }
        hash = shiftMix(hash) * mul;
        return shiftMix(hash);
    }

    private static long shiftMix(long v) {
        return v ^ (v >>> 47);
    }

    private static long littleEndian(byte[] b, int from, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (b[from + i] & 0xff);
        }
        return v;
    }
}
