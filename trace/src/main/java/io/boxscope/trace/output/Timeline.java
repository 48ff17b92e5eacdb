package io.boxscope.trace.output;

import io.boxscope.trace.scap.EventFormatter;
import io.boxscope.trace.scap.Inspector;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ScapFields;

import java.time.ZoneId;
import java.util.function.Function;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.container.ContainerRef;

/**
 * Where the events of one read are in time: the first event's timestamp ({@code -t r}) and the previous
 * one's ({@code -t D}, evt.deltatime), with the zone and {@code -t} mode times print in. Every event read
 * goes through {@link #view}, in order, whether or not it is printed.
 */
public final class Timeline {
    private final EventFormatter formatter;
    private final Inspector inspector;
    private final ZoneId zone;
    private final TimeMode mode;
    /** Names and images of running containers (live capture), or null when reading a file. */
    private final Function<ContainerRef, ContainerInfo> containers;
    private long first = -1;
    private long previous = -1;
    private long current = -1;

    public Timeline(EventFormatter formatter, Inspector inspector, ZoneId zone, TimeMode mode) {
        this(formatter, inspector, zone, mode, null);
    }

    /**
     * A live capture's timeline: {@code containers} names the containers the runtimes know, for
     * container.name and container.image (see {@link ScapFields}).
     */
    public Timeline(EventFormatter formatter, Inspector inspector, ZoneId zone, TimeMode mode,
                    Function<ContainerRef, ContainerInfo> containers) {
        this.containers = containers;
        this.formatter = formatter;
        this.inspector = inspector;
        this.zone = zone;
        this.mode = mode;
    }

    /** The view of {@code e}, which {@link EventFormatter#next} has just applied. */
    public EventView view(ScapEvent e) {
        // sinsp::next sets m_firstevent_ts (evt.reltime, -t r) at the first event that is not a container description
        if (first < 0 && !Inspector.isContainerEvent(e)) {
            first = e.ts();
        }
        previous = current < 0 ? e.ts() : current;
        current = e.ts();
        return new EventView(e, new ScapFields(formatter, inspector, e, containers), formatter, this);
    }

    long first() {
        return first;
    }

    long previous() {
        return previous;
    }

    ZoneId zone() {
        return zone;
    }

    TimeMode mode() {
        return mode;
    }
}
