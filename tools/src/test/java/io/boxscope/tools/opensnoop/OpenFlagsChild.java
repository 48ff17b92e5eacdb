package io.boxscope.tools.opensnoop;

/**
 * What {@link OpenFlagsTest#anUnknownArchitectureIsRefusedInOneLineEachTime} runs in a child JVM told another
 * {@code os.arch}: asks for flag names twice and prints, for each, the name of what was thrown and its message.
 */
public final class OpenFlagsChild {
    private OpenFlagsChild() {}

    public static void main(String[] args) {
        for (int i = 0; i < 2; i++) {
            try {
                System.out.println(OpenFlags.names(0101));
            } catch (Throwable t) {
                System.out.println(t.getClass().getName() + ": " + t.getMessage());
            }
        }
    }
}
