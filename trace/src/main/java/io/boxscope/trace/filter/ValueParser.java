package io.boxscope.trace.filter;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * A filter value → a {@link Value} of a field's type, as sysdig 0.29 parses it
 * (sinsp_filter_value_parser::string_to_rawval, sinsp_numparser): numbers with sscanf's "%d%c"
 * rule (blanks and a sign allowed before, nothing after), stored at the field's width (so
 * {@code evt.cpu=70000} is 4464, as sysdig truncates it to 16 bits); booleans only "true"/"false";
 * addresses with inet_pton; ports as numbers or service names. Messages are sysdig's.
 */
final class ValueParser {
    /** sysdig keeps a value in 256 bytes: 256 bytes or more do not fit (the terminating NUL). */
    static final int MAX_STRING = 256;

    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);

    private ValueParser() {}

    static Value parse(FieldType type, Ast.Operand v, ServiceNames services, String filter) {
        String bytes = v.bytes();
        int pos = v.pos();
        return switch (type) {
            case CHARBUF, DYNAMIC -> {
                // sysdig: strlen(), so the value ends at a \x00 escape.
                int nul = bytes.indexOf('\0');
                String s = nul >= 0 ? bytes.substring(0, nul) : bytes;
                if (s.length() >= MAX_STRING) {
                    throw new FilterException(filter, pos, "filter parameter too long:" + v.text());
                }
                yield new Value.Text(s);
            }
            case BYTEBUF -> {
                if (bytes.length() >= MAX_STRING) {
                    throw new FilterException(filter, pos, "filter parameter too long:" + v.text());
                }
                yield new Value.Bytes(bytes.getBytes(StandardCharsets.ISO_8859_1));
            }
            case INT16, INT32, INT64 -> new Value.Num(parseSigned(cstr(bytes), type.bits(), filter, pos, v.text()));
            case UINT8, UINT16, UINT32, UINT64, RELTIME, ABSTIME -> new Value.Num(parseUnsigned(cstr(bytes), type.bits(), filter, pos, v.text()));
            case BOOL -> switch (cstr(bytes)) {
                case "true" -> new Value.Bool(true);
                case "false" -> new Value.Bool(false);
                default -> throw new FilterException(filter, pos, "filter error: unrecognized boolean value " + v.text());
            };
            case IPADDR -> address(cstr(bytes), filter, pos, v.text());
            case PORT -> port(cstr(bytes), services, filter, pos, v.text());
            case IPNET -> network(cstr(bytes), filter, pos, v.text());
            case DOUBLE -> throw new FilterException(filter, pos, "filter error: wrong parameter type 33"); // FilterChecker refuses first
        };
    }

    /** The value up to its first NUL, as C sees it. */
    private static String cstr(String bytes) {
        int nul = bytes.indexOf('\0');
        return nul >= 0 ? bytes.substring(0, nul) : bytes;
    }

    static int parseSigned(String s, int bits, String filter, int pos) {
        return (int) parseSigned(s, bits, filter, pos, s);
    }

    /** sscanf("%d%c") / ("%ld%c"), then the cast to the field's width. */
    static long parseSigned(String s, int bits, String filter, int pos, String shown) {
        BigInteger n = scanInteger(s);
        if (n == null) {
            throw new FilterException(filter, pos, shown + " is not a valid number");
        }
        // strtol saturates at the long range; the store then keeps the low bits.
        long l = n.compareTo(LONG_MAX) > 0 ? Long.MAX_VALUE : n.compareTo(LONG_MIN) < 0 ? Long.MIN_VALUE : n.longValue();
        return bits == 64 ? l : (l << (64 - bits)) >> (64 - bits);
    }

    /** sinsp_numparser::parsed32 without its exception: the number sscanf("%d%c") reads whole, or null. */
    static Integer scanInt32(String s) {
        BigInteger n = scanInteger(s);
        if (n == null) {
            return null;
        }
        long l = n.compareTo(LONG_MAX) > 0 ? Long.MAX_VALUE : n.compareTo(LONG_MIN) < 0 ? Long.MIN_VALUE : n.longValue();
        return (int) l;
    }

    /** sscanf("%u%c") / ("%lu%c"): a minus sign negates modulo 2^64; then the low bits. */
    static long parseUnsigned(String s, int bits, String filter, int pos, String shown) {
        BigInteger n = scanInteger(s);
        if (n == null) {
            throw new FilterException(filter, pos, shown + " is not a valid number");
        }
        BigInteger mag = n.abs();
        long l = mag.compareTo(TWO_64) >= 0 ? -1L : n.signum() < 0 ? -mag.longValue() : mag.longValue();
        return bits == 64 ? l : l & ((1L << bits) - 1);
    }

    /** Leading C blanks, an optional sign, one or more decimal digits, and nothing else; or null. */
    private static BigInteger scanInteger(String s) {
        int i = 0;
        while (i < s.length() && " \t\n\u000b\f\r".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        int start = i;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        if (i == digits || i != s.length()) {
            return null;
        }
        return new BigInteger(s.substring(start, i));
    }

    private static Value address(String s, String filter, int pos, String shown) {
        if (s.indexOf('.') >= 0) { // sysdig: a '.' anywhere means IPv4 (so ::ffff:1.2.3.4 is refused)
            byte[] b = ipv4(s);
            if (b == null) {
                throw new FilterException(filter, pos, "unrecognized IPv4 address " + shown);
            }
            return new Value.Addr(b);
        }
        byte[] b = ipv6(s);
        if (b == null) {
            throw new FilterException(filter, pos, "unrecognized IPv6 address " + shown);
        }
        return new Value.Addr(b);
    }

    /**
     * sysdig's PT_IPNET: with a '.', "a.b.c.d/N" (N read as %u and kept to 8 bits, at most 32);
     * without, an IPv6 address (no prefix length: sysdig compares the first 64 bits).
     */
    private static Value network(String s, String filter, int pos, String shown) {
        if (s.indexOf('.') < 0) {
            byte[] b = ipv6(s);
            if (b == null) {
                throw new FilterException(filter, pos, "unrecognized IPv6 address " + shown);
            }
            return new Value.Net(new Value.Addr(b), 64);
        }
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw new FilterException(filter, pos, "unrecognized IP network " + shown);
        }
        byte[] ip = ipv4(s.substring(0, slash));
        if (ip == null) {
            throw new FilterException(filter, pos, "unrecognized IP address " + shown);
        }
        String mask = s.substring(slash + 1);
        int bits = (int) parseUnsigned(mask, 8, filter, pos, mask);
        if (bits > 32) {
            throw new FilterException(filter, pos, "invalid netmask " + mask);
        }
        return new Value.Net(new Value.Addr(ip), bits);
    }

    /** inet_pton(AF_INET) ({@link io.boxscope.proc.InetText#parseIpv4}). */
    static byte[] ipv4(String s) {
        return io.boxscope.proc.InetText.parseIpv4(s);
    }

    /** inet_pton(AF_INET6) ({@link io.boxscope.proc.InetText#parseIpv6}). */
    static byte[] ipv6(String s) {
        return io.boxscope.proc.InetText.parseIpv6(s);
    }

    /** sysdig: "" is 0, digits are a number (stoi, then 16 bits), anything else a service name. */
    private static Value port(String s, ServiceNames services, String filter, int pos, String shown) {
        if (s.isEmpty()) {
            return new Value.Num(0);
        }
        if (s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            BigInteger n = new BigInteger(s);
            if (n.bitLength() > 31) {
                throw new FilterException(filter, pos, shown + " is out of range for a port (sysdig: error parsing the filter string)");
            }
            return new Value.Num(n.intValue() & 0xffff);
        }
        return new Value.Num(services.port(s).orElseThrow(
                () -> new FilterException(filter, pos, "unrecognized protocol " + shown)));
    }
}
