import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Build step: copies a jar's classes into a directory, rewriting class files older than Java 8
 * (major 52) as version 52 with stack maps, through the JDK's ClassFile API (JEP 484).
 *
 * Why: the JDK's AOT cache (JEP 483) cannot store classes verified by the old type-inferencing
 * verifier, i.e. class files before version 50; picocli ships Java 5 class files, so without this
 * every picocli class is loaded, verified and linked from scratch at each start of boxscope.
 *
 *   java UpgradeBytecode.java IN.jar OUT_DIR
 */
public class UpgradeBytecode {
    public static void main(String[] args) throws IOException {
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int upgraded = 0;
        try (JarFile jar = new JarFile(in.toFile());
                URLClassLoader loader = new URLClassLoader(new URL[] {in.toUri().toURL()}, null)) {
            ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                    ClassHierarchyResolver.defaultResolver().orElse(ClassHierarchyResolver.ofResourceParsing(loader))));
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements();) {
                JarEntry entry = e.nextElement();
                String name = entry.getName();
                if (entry.isDirectory() || name.equals("META-INF/MANIFEST.MF") || name.endsWith("module-info.class")) {
                    continue;
                }
                byte[] bytes = jar.getInputStream(entry).readAllBytes();
                if (name.endsWith(".class") && !name.startsWith("META-INF/")) {
                    ClassModel cm = cf.parse(bytes);
                    if (cm.majorVersion() < ClassFile.JAVA_8_VERSION) {
                        bytes = cf.transformClass(cm, ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                                .andThen(ClassTransform.endHandler(b -> b.withVersion(ClassFile.JAVA_8_VERSION, 0))));
                        upgraded++;
                    }
                }
                Path target = out.resolve(name);
                Files.createDirectories(target.getParent());
                Files.write(target, bytes);
            }
        }
        System.out.println("UpgradeBytecode: " + upgraded + " classes of " + in.getFileName() + " rewritten as Java 8 class files");
    }
}
