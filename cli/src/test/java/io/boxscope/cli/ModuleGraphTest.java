package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module graph of DEVELOPERS.md against the compiled one. For each module with a
 * module-info: every {@code requires} of another Boxscope module is in the table's "may depend on"
 * column; every {@code requires} (Boxscope's, picocli, jdk.unsupported, ...) is used, that is, some
 * class of the module refers to a package of the required module (in its constant pool: class
 * references, and the descriptors and signatures of fields, methods and annotations, as jdeps
 * counts them); and the "depends on now" column lists exactly the Boxscope modules it requires.
 * Read from {@code target/classes} of each module, so it checks what javac produced, not text.
 */
class ModuleGraphTest {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final String PREFIX = "io.boxscope.";
    private static final Pattern TYPE_IN_DESCRIPTOR = Pattern.compile("L([\\w/$]+)[;<]");

    record Row(String module, Set<String> allowed, Set<String> now) {}

    /** The rows of the table under "Modules and their allowed dependencies", in order. */
    static Map<String, Row> table() throws IOException {
        Map<String, Set<String>> allowed = new LinkedHashMap<>();
        Map<String, Set<String>> now = new LinkedHashMap<>();
        Pattern row = Pattern.compile("^\\| `(\\w+)` \\|[^|]*\\|([^|]*)\\|([^|]*)\\|$");
        for (String line : Files.readAllLines(ROOT.resolve("DEVELOPERS.md"))) {
            Matcher m = row.matcher(line.strip());
            if (m.matches()) {
                String name = m.group(1);
                allowed.put(name, names(m.group(2).strip(), name, allowed.keySet()));
                now.put(name, names(m.group(3).strip(), name, allowed.keySet()));
            }
        }
        Map<String, Row> rows = new LinkedHashMap<>();
        List<String> all = new ArrayList<>(allowed.keySet());
        all.remove("testkit"); // test support: no shipped module may depend on it
        for (String name : allowed.keySet()) {
            Set<String> may = allowed.get(name);
            if (may.contains("*all")) {
                may = new TreeSet<>(all);
                may.remove(name);
            }
            rows.put(name, new Row(name, may, now.get(name)));
        }
        return rows;
    }

    /** "bpf, proc" → {bpf, proc}; "nothing" → {}; "all above" → the modules of the rows above; "all" → marker. */
    private static Set<String> names(String cell, String self, Set<String> above) {
        Set<String> s = new TreeSet<>();
        switch (cell) {
            case "nothing" -> { }
            case "all above" -> {
                s.addAll(above);
                s.remove(self);
                s.remove("testkit");
            }
            case "all" -> s.add("*all");
            default -> {
                for (String n : cell.split(",")) {
                    s.add(n.strip());
                }
            }
        }
        return s;
    }

    @Test
    void everyRequiresIsAllowedUsedAndInTheTable() throws IOException {
        Map<String, Row> table = table();
        assertTrue(table.keySet().containsAll(List.of("bpf", "proc", "bench", "mem", "trace", "probe", "tools", "diagnose", "cli")),
                "DEVELOPERS.md's module table: " + table.keySet());
        Map<String, Set<String>> packages = new TreeMap<>(); // module name -> its packages
        for (String m : table.keySet()) {
            Optional<ModuleDescriptor> d = descriptor(m);
            d.ifPresent(x -> packages.put(x.name(), x.packages()));
        }
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Row row : table.values()) {
            Path classes = ROOT.resolve(row.module()).resolve("target/classes");
            Optional<ModuleDescriptor> d = descriptor(row.module());
            if (d.isEmpty()) {
                assertFalse(Files.exists(ROOT.resolve(row.module()).resolve("src/main/java/module-info.java")),
                        row.module() + " has a module-info.java but no compiled module-info.class: build it first");
                continue;
            }
            checked++;
            Set<String> used = referencedPackages(classes);
            Set<String> requiredBoxscope = new TreeSet<>();
            for (ModuleDescriptor.Requires r : d.get().requires()) {
                if (r.modifiers().contains(ModuleDescriptor.Requires.Modifier.MANDATED)) {
                    continue; // java.base
                }
                String target = r.name();
                if (target.startsWith(PREFIX)) {
                    String shortName = target.substring(PREFIX.length());
                    requiredBoxscope.add(shortName);
                    if (!row.allowed().contains(shortName)) {
                        problems.add(row.module() + " requires " + shortName + ", which DEVELOPERS.md does not allow");
                    }
                }
                Set<String> offered = packages.containsKey(target) ? packages.get(target) : packagesOf(target);
                if (offered.isEmpty() && packages.containsKey(target)) {
                    problems.add(row.module() + " requires " + target + ", which has no classes yet: remove the requires");
                } else if (offered.isEmpty()) {
                    problems.add(row.module() + " requires " + target + ", which is nowhere to be found to check it");
                } else if (used.stream().noneMatch(offered::contains)) {
                    problems.add(row.module() + " requires " + target + " but none of its classes uses it: remove the requires");
                }
            }
            if (!requiredBoxscope.equals(row.now())) {
                problems.add("DEVELOPERS.md says " + row.module() + " depends on " + row.now() + " now; its module-info requires "
                        + requiredBoxscope);
            }
        }
        assertTrue(checked >= 9, "only " + checked + " modules were checked");
        assertEquals(List.of(), problems);
    }

    /** The checker itself: a module that uses a package is seen to use it, and one that does not is not. */
    @Test
    void seesWhatAModuleUses() throws IOException {
        Set<String> cli = referencedPackages(ROOT.resolve("cli/target/classes"));
        assertTrue(cli.containsAll(Set.of("picocli", "sun.misc", "io.boxscope.bpf", "io.boxscope.proc.json")), cli.toString());
        Set<String> proc = referencedPackages(ROOT.resolve("proc/target/classes"));
        assertTrue(proc.stream().noneMatch(p -> p.startsWith("io.boxscope.bpf")), proc.toString());
        assertTrue(packagesOf("jdk.unsupported").contains("sun.misc"));
    }

    private static Optional<ModuleDescriptor> descriptor(String module) {
        Path classes = ROOT.resolve(module).resolve("target/classes");
        if (!Files.isRegularFile(classes.resolve("module-info.class"))) {
            return Optional.empty();
        }
        return ModuleFinder.of(classes).findAll().stream().findFirst().map(ModuleReference::descriptor);
    }

    /** Packages of a module outside the build: the JDK's, or one on this test's class path (picocli). */
    private static Set<String> packagesOf(String module) {
        Optional<ModuleReference> system = ModuleFinder.ofSystem().find(module);
        if (system.isPresent()) {
            return system.get().descriptor().packages();
        }
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            try {
                for (ModuleReference r : ModuleFinder.of(Path.of(entry)).findAll()) {
                    if (r.descriptor().name().equals(module)) {
                        return r.descriptor().packages();
                    }
                }
            } catch (RuntimeException e) {
                // not a module, or not one whose name can be derived: not the one looked for
            }
        }
        return Set.of();
    }

    /** Every package that the classes under {@code classes} refer to (module-info excluded). */
    static Set<String> referencedPackages(Path classes) throws IOException {
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> s = Files.walk(classes)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".class") && !p.endsWith("module-info.class")).toList()) {
                ClassModel cm = ClassFile.of().parse(Files.readAllBytes(f));
                for (PoolEntry e : cm.constantPool()) {
                    if (e instanceof ClassEntry c) {
                        addType(packages, c.asInternalName());
                    } else if (e instanceof Utf8Entry u) {
                        Matcher m = TYPE_IN_DESCRIPTOR.matcher(u.stringValue());
                        while (m.find()) {
                            addType(packages, m.group(1));
                        }
                    }
                }
            }
        }
        return packages;
    }

    private static void addType(Set<String> packages, String internalName) {
        String n = internalName;
        if (n.startsWith("[")) {
            Matcher m = TYPE_IN_DESCRIPTOR.matcher(n);
            if (!m.find()) {
                return; // an array of a primitive type
            }
            n = m.group(1);
        }
        int slash = n.lastIndexOf('/');
        if (slash > 0) {
            packages.add(n.substring(0, slash).replace('/', '.'));
        }
    }
}
