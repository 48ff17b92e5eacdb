package io.boxscope.mem;

/** A child JVM for live tests: allocates a little, says ready, then sleeps. */
public final class Sleeper {
    private Sleeper() {}

    static byte[] hold;

    public static void main(String[] args) throws InterruptedException {
        hold = new byte[8 << 20];
        for (int i = 0; i < hold.length; i += 4096) {
            hold[i] = 1;
        }
        System.out.println("ready " + ProcessHandle.current().pid());
        System.out.flush();
        Thread.sleep(Long.parseLong(args.length > 0 ? args[0] : "600") * 1000);
    }
}
