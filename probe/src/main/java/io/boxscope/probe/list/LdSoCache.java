package io.boxscope.probe.list;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.boxscope.bpf.sys.Arch;

/**
 * The dynamic linker's cache ({@code /etc/ld.so.cache}, written by ldconfig(8)): library names and their paths,
 * in the cache's order. bpftrace resolves a bare library name of a uprobe ({@code uprobe:libssl:SSL_read}) through
 * this cache (bcc's {@code bcc_procutils_which_so}): the first entry of this machine's architecture whose name
 * starts with {@code lib<NAME>.so}, so {@code libssl} is {@code /lib/x86_64-linux-gnu/libssl.so.3} (the cache
 * sorts {@code libssl.so.3} before {@code libssl.so}) and {@code libpthread} is {@code libpthread.so.0}.
 *
 * <p>Only the format glibc has written since 2.32 is read ({@code glibc-ld.so.cache1.1}, glibc's
 * {@code sysdeps/generic/dl-cache.h}: a 48-byte header with the entry count, then 24-byte entries of flags, key
 * and value offsets from the start of the file, OS version and hwcaps); an old-format or unreadable file gives no
 * entries, and the caller falls back to searching the library directories.
 */
public final class LdSoCache {
    private static final String MAGIC = "glibc-ld.so.cache1.1";
    /** FLAG_ELF_LIBC6: an ELF library for glibc. */
    private static final int ELF_LIBC6 = 0x0003;
    /**
     * The architecture bits of an entry's flags (glibc sysdeps/generic/ldconfig.h: FLAG_X8664_LIB64,
     * FLAG_AARCH64_LIB64, FLAG_RISCV_FLOAT_ABI_DOUBLE and FLAG_LARCH_FLOAT_ABI_DOUBLE for the lp64d ABIs Debian
     * and Fedora ship, FLAG_S390_LIB64, FLAG_POWERPC_LIB64), as sysdeps/unix/sysv/linux/&lt;arch&gt;/dl-cache.h's
     * _DL_CACHE_DEFAULT_ID combines them with FLAG_ELF_LIBC6.
     */
    private static int archBits(Arch arch) {
        return switch (arch) {
            case X86_64 -> 0x0300;
            case AARCH64 -> 0x0a00;
            case RISCV64 -> 0x1000;
            case LOONGARCH64 -> 0x1200;
            case S390X -> 0x0400;
            case PPC64LE -> 0x0500;
        };
    }

    /** One library: its name ({@code libc.so.6}) and where it is. */
    public record Entry(String name, String path, int flags) {}

    private LdSoCache() {}

    /** The entries of {@code /etc/ld.so.cache} for this machine's architecture; empty when it cannot be read. */
    public static List<Entry> read(Path file) {
        try {
            return forArch(parse(Files.readAllBytes(file)), Arch.current());
        } catch (IOException | RuntimeException e) {
            return List.of(); // no cache (a minimal container): the directory search still finds libraries
        }
    }

    /** Every entry of a cache file's bytes, in file order; an unknown format gives none. */
    public static List<Entry> parse(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        if (bytes.length < 48 || !new String(bytes, 0, MAGIC.length(), StandardCharsets.US_ASCII).equals(MAGIC)) {
            return List.of();
        }
        int n = b.getInt(20);
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int at = 48 + i * 24;
            if (at + 24 > bytes.length) {
                break; // truncated: keep what was whole
            }
            int flags = b.getInt(at);
            String key = string(bytes, b.getInt(at + 4));
            String value = string(bytes, b.getInt(at + 8));
            if (key != null && value != null) {
                out.add(new Entry(key, value, flags));
            }
        }
        return out;
    }

    /** The entries built for {@code arch}'s 64-bit glibc. */
    public static List<Entry> forArch(List<Entry> all, Arch arch) {
        int want = ELF_LIBC6 | archBits(arch);
        return all.stream().filter(e -> (e.flags() & 0xffff) == want).toList();
    }

    /** bcc's rule: the first entry whose name starts with {@code lib<NAME>.so} ({@code lib} added when missing). */
    public static Optional<String> find(List<Entry> entries, String name) {
        String prefix = (name.startsWith("lib") ? name : "lib" + name) + ".so";
        return entries.stream().filter(e -> e.name().startsWith(prefix)).map(Entry::path).findFirst();
    }

    private static String string(byte[] bytes, int offset) {
        if (offset < 0 || offset >= bytes.length) {
            return null;
        }
        int end = offset;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
    }
}
