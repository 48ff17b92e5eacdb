package io.boxscope.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** "boxscope 0.1.0 (Java 25, Linux 6.18 amd64)". */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
        return new String[] {"boxscope " + version() + " (Java "
                + Runtime.version().feature() + ", " + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + " " + System.getProperty("os.arch") + ")"};
    }

    /**
     * From the jar's manifest (Implementation-Version), which the JVM has already read to start;
     * opening the jar again as a resource costs a few ms of a 60 ms --version. The build's
     * version.properties serves where there is no jar (tests run from class directories).
     */
    static String version() throws IOException {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        if (v != null) {
            return v;
        }
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return p.getProperty("version", "unknown");
    }
}
