import java.io.OutputStream;
import io.boxscope.probe.output.Output;
import io.boxscope.probe.output.TextBuffer;
import io.boxscope.probe.runtime.ProbeSink;

/** PrintfDrain's "bytes" sink: what `boxscope probe > file` does since branch drain (cli ProbeRun). Compiled only in that mode. */
public final class BytesSink {
    private BytesSink() {}

    public static ProbeSink of(Output output, OutputStream out) {
        TextBuffer buffer = new TextBuffer((b, off, len) -> {
            try {
                out.write(b, off, len);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, 1 << 16);
        return new RenderingSink(output, buffer::utf8, buffer::flush) {
            @Override
            public TextBuffer text() {
                return buffer;
            }
        };
    }
}
