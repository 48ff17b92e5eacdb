import java.util.function.Consumer;
import io.boxscope.probe.output.Event;
import io.boxscope.probe.output.Output;
import io.boxscope.probe.runtime.ProbeSink;

/**
 * PrintfDrain's sinks, both modes: each printf and event rendered by {@code output} and handed to {@code out} as
 * text, {@code flush} run when the ring is drained (as cli's ProbeRun does for a file). Uses only what every build's
 * jar has, so "values" still runs against a jar from before branch drain.
 */
public class RenderingSink implements ProbeSink {
    private final ProbeSink rendering;
    private final Runnable flush;

    public RenderingSink(Output output, Consumer<String> out, Runnable flush) {
        this.rendering = ProbeSink.rendering(output, out);
        this.flush = flush;
    }

    @Override
    public void printf(int formatId, Event.Printf printf) {
        rendering.printf(formatId, printf);
    }

    @Override
    public void event(Event event) {
        rendering.event(event);
    }

    @Override
    public void drained() {
        flush.run();
    }
}
