package io.boxscope.bpf.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pure parsers on files captured on this machine (kallsyms excerpt and a maps file of cat, test resources
 * {@code symbols/}) and on hostile input.
 */
class SymbolParsersTest {
    static String resource(String name) throws Exception {
        return Files.readString(Path.of(SymbolParsersTest.class.getResource("/io/boxscope/bpf/symbols/" + name).toURI()));
    }

    @Test
    void kallsymsNearestTextSymbolWithModulesAndAliases() throws Exception {
        KernelSymbols k = KernelSymbols.parse(resource("kallsyms"));
        assertEquals(0, k.skipped());
        Symbol s = k.resolve(0xffffffff816dbaf0L + 0x1a).orElseThrow();
        assertEquals("vfs_read", s.name());
        assertEquals(0x1a, s.offset());
        assertEquals("vfs_read+0x1a", s.withOffset());
        assertEquals("[kernel]", s.module());
        // _stext, _text, __pi__text and srso_alias_untrain_ret share 0xffffffff81000000
        Symbol text = k.resolve(0xffffffff81000004L).orElseThrow();
        assertEquals("srso_alias_untrain_ret", text.name());
        assertEquals(List.of("_stext", "_text", "__pi__text"), text.aliases());
        Symbol mod = k.resolve(0xffffffffc0201008L).orElseThrow();
        assertEquals("ftrace_trampoline", mod.name());
        assertEquals("[__builtin__ftrace]", mod.module());
        assertTrue(k.resolve(0x1000).isEmpty(), "below the first symbol");
        assertEquals(0xffffffff81000080L, k.address("entry_SYSCALL_64").orElseThrow());
    }

    @Test
    void kallsymsHostileLinesAreCountedNotFatal() {
        KernelSymbols k = KernelSymbols.parse("""
                ffffffffa0000000 T good_one
                zzzz T bad_address
                ffffffffa0000100
                ffffffffa0000200 TT two_letter_type
                ffffffffa0000300 D data_is_not_code
                11112222333344445555 T too_long
                ffffffffa0000400 t in_module\t[ext4]
                """);
        assertEquals(4, k.skipped());
        assertEquals(2, k.size());
        assertEquals("good_one", k.resolve(0xffffffffa0000350L).orElseThrow().name(), "data symbols do not split code");
        assertEquals("[ext4]", k.resolve(0xffffffffa0000404L).orElseThrow().module());
    }

    @Test
    void mapsOfARealProcess() throws Exception {
        int[] skipped = {0};
        List<Mapping> maps = Mapping.parse(resource("maps"), skipped);
        assertEquals(0, skipped[0]);
        assertEquals(38, maps.size());
        Mapping libc = maps.stream().filter(m -> m.path().endsWith("/libc.so.6") && m.isExecutable()).findFirst().orElseThrow();
        assertTrue(libc.isFile());
        assertTrue(libc.offset() > 0, "libc's code segment is mapped from a non-zero file offset");
        Mapping vdso = maps.stream().filter(m -> m.path().equals("[vdso]")).findFirst().orElseThrow();
        assertTrue(!vdso.isFile());
        assertTrue(vdso.contains(vdso.start()) && !vdso.contains(vdso.end()));
        List<Mapping> hostile = Mapping.parse("nonsense\n00400000-00452000 r-xp 00000000 08:02 173521 /usr/bin/dbus-daemon\n"
                + "7fff-zz rw-p 0 0:0 0\n7f00-7f10 rw-p 00000000 00:00 0 \n", skipped);
        assertEquals(2, skipped[0]);
        assertEquals(2, hostile.size());
        assertEquals("", hostile.get(1).path());
    }

    @Test
    void perfMapsWithSpacesOverlapsAndGarbage() {
        PerfMap p = PerfMap.parse("""
                7f0000001000 40 Interpreter
                0x7f0000002000 0x100 void java.lang.String.hashCode()
                7f0000002000 80 LHot;::spin (recompiled)
                7f0000003000 0 zero_size
                not a line
                7f0000004000 zz bad_size
                7f0000005000 10
                """, "perf-1.map");
        assertEquals(4, p.skipped());
        assertEquals("Interpreter+0x3f", p.resolve(0x7f000000103fL).orElseThrow().withOffset());
        assertTrue(p.resolve(0x7f0000001040L).isEmpty());
        assertEquals("LHot;::spin (recompiled)", p.resolve(0x7f0000002010L).orElseThrow().name(), "the later line wins");
        assertEquals("void java.lang.String.hashCode()", p.resolve(0x7f0000002090L).orElseThrow().name(),
                "past the newer, shorter entry the older one still covers the address");
        assertEquals("perf-1.map", p.resolve(0x7f0000001000L).orElseThrow().module());
    }
}
