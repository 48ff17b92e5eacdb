package io.boxscope.trace.scap;

import java.nio.file.Path;

/** Child process for {@link KilledCaptureTest}: writes events forever, flushing every few, until killed. */
public final class KillWriter {
    private KillWriter() {}

    public static void main(String[] args) throws Exception {
        try (ScapWriter w = ScapWriter.create(Path.of(args[0]), Fixtures.tables(), false)) {
            long ts = Fixtures.T0;
            for (long i = 0; ; i++) {
                w.write(ScapEvent.builder("PPME_SYSCALL_READ_E", ts += 10, 4000, 0).num(0).num(i).build());
                w.write(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 10, 4000, 0).num(7)
                        .bytes(("line " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)).build());
                if (i % 100 == 0) {
                    w.flush();
                }
            }
        }
    }
}
