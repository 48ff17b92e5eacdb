package io.boxscope.cli;

import java.util.ArrayList;
import java.util.List;

/** The command line of a second JVM running boxscope's real entry point (Main.main) on this class path. */
public final class ChildJvm {
    private ChildJvm() {}

    public static List<String> boxscope(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "io.boxscope.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
