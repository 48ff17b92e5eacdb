package io.boxscope.trace.scap;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code -w FILE} with sysdig's rotation ({@code -C MB}, {@code -G SECONDS}, {@code -W COUNT}) on a live
 * capture, deciding as libsinsp's cycle_writer does (cyclewriter.cpp, consider and next_file): before each
 * event is written, a new file starts when the event's second is {@code -G} seconds or more after the
 * current file's start second, or when the current file holds more than {@code -C} × 1,000,000 bytes
 * (uncompressed); the event that decided goes into the new file. File names are {@link RotationNames}'s;
 * with {@code -W} the index wraps, so the oldest file is overwritten (a strftime name of a wrapped index is
 * removed first, as cycle_writer removes its past name). Every file starts with the header tables as they
 * are when it is opened ({@link Tables}) and the containers described so far ({@link #describeContainer}), as
 * sysdig writes its current state into each new file.
 */
public final class CycleWriter implements Closeable {
    /** The header tables for a file opened now. */
    @FunctionalInterface
    public interface Tables {
        CaptureTables now() throws IOException;
    }

    private final RotationNames names;
    private final boolean compress;
    private final Tables tables;
    private final ZoneId zone;
    private final Path dir;
    private final Set<Path> written = new LinkedHashSet<>();
    private final String[] pastNames;
    /** Container descriptions by full id ({@link #describeContainer}), each written into every file. */
    private final java.util.Map<String, String> containers = new java.util.LinkedHashMap<>();
    /** Those the current file does not hold yet: written before its next event. */
    private final List<String> pending = new ArrayList<>();
    private ScapWriter current;
    /** Where the one capture goes instead of files ({@link #toStream}), or null. */
    private final OutputStream stream;
    /** Files opened whose header tables alone were over -C ({@link #overfullHeaders}). */
    private long overfullHeaders;
    /** The largest header written (bytes), for the line that explains a rotation per event. */
    private long largestHeader;
    private long fileNumber;
    private long lastSecond;

    /**
     * Opens the first file.
     *
     * @param dir              where relative names go (the -w argument's directory is part of the base)
     * @param startEpochSecond the capture's start (time(NULL) when sysdig sets up a live cycle writer)
     */
    public CycleWriter(RotationNames names, boolean compress, Tables tables, ZoneId zone, Path dir, long startEpochSecond)
            throws IOException {
        this(names, compress, tables, zone, dir, startEpochSecond, null);
    }

    /**
     * One capture written to {@code stream} ({@code -w -}: standard output), never rotated; the stream stays open.
     */
    public static CycleWriter toStream(OutputStream stream, boolean compress, Tables tables) throws IOException {
        return new CycleWriter(new RotationNames("-", 0, 0, 0, 0), compress, tables, ZoneId.systemDefault(), Path.of(""),
                0, stream);
    }

    private CycleWriter(RotationNames names, boolean compress, Tables tables, ZoneId zone, Path dir, long startEpochSecond,
                        OutputStream stream) throws IOException {
        this.stream = stream;
        this.names = names;
        this.compress = compress;
        this.tables = tables;
        this.zone = zone;
        this.dir = dir;
        this.pastNames = new String[Math.max(names.fileLimit(), 0)];
        this.lastSecond = startEpochSecond;
        open();
    }

    private void open() throws IOException {
        if (stream != null) {
            current = ScapWriter.to(stream, tables.now(), compress);
            largestHeader = current.offset();
            pending.clear();
            pending.addAll(containers.values());
            fileNumber++;
            return;
        }
        String name = names.name(fileNumber, lastSecond, zone);
        if (pastNames.length > 0 && names.durationSeconds() > 0 && names.base().contains("%")) {
            int slot = (int) (fileNumber % pastNames.length);
            if (pastNames[slot] != null && !pastNames[slot].equals(name)) {
                Files.deleteIfExists(dir.resolve(pastNames[slot]));
                written.remove(dir.resolve(pastNames[slot]));
            }
            pastNames[slot] = name;
        }
        Path p = dir.resolve(name);
        current = ScapWriter.create(p, tables.now(), compress);
        largestHeader = Math.max(largestHeader, current.offset());
        if (names.rolloverMb() > 0 && current.offset() > names.rolloverBytes()) {
            overfullHeaders++;
        }
        pending.clear();
        pending.addAll(containers.values());
        written.add(p);
        fileNumber++;
    }

    /**
     * Describes a container ({@code json}: a PPME_CONTAINER_JSON_2_E's JSON) in the current file and in every
     * file started after it, as sysdig's dumper writes its container manager's state into each file it opens;
     * written before the next event (with that event's time, so the file's events stay in time order). A
     * container described before is not described again.
     */
    public void describeContainer(String fullId, String json) {
        if (containers.putIfAbsent(fullId, json) == null) {
            pending.add(json);
        }
    }

    private void flushContainers(long ts) throws IOException {
        if (!pending.isEmpty()) {
            for (String json : pending) {
                current.write(ScapEvent.builder("PPME_CONTAINER_JSON_2_E", ts, -1, 0).str(json).build());
            }
            pending.clear();
        }
    }

    /** Writes {@code e}, into a new file first when -G or -C says so. */
    public void write(ScapEvent e) throws IOException {
        rotate(e.ts());
        flushContainers(e.ts());
        current.write(e);
    }

    /** {@link ScapWriter#writeGeneric}, into a new file first when -G or -C says so. */
    public void writeGeneric(long ts, long tid, int cpu, boolean enter, int ppmSc, int nativeId) throws IOException {
        rotate(ts);
        flushContainers(ts);
        current.writeGeneric(ts, tid, cpu, enter, ppmSc, nativeId);
    }

    /** {@link ScapWriter#writeNumbers}, into a new file first when -G or -C says so. */
    public void writeNumbers(long ts, long tid, int cpu, int type, byte[] sizes, long[] values, int varIndex,
                             java.lang.foreign.MemorySegment buf, long bufOff, int bufLen) throws IOException {
        rotate(ts);
        flushContainers(ts);
        current.writeNumbers(ts, tid, cpu, type, sizes, values, varIndex, buf, bufOff, bufLen);
    }

    /**
     * The capture is stopping: no new file from now on, the events still in the ring go into the current one (which
     * may then exceed -C). sysdig stops reading at once; the drain after the stop is Boxscope's, and a rotation per
     * event there (header tables over -C) re-reads /proc, whose reads are events of their own: it never ended.
     */
    public void finishing() {
        finishing = true;
    }

    private boolean finishing;

    /** Starts the next file when an event at {@code ts} (ns since the epoch) is to go into a new one. */
    private void rotate(long ts) throws IOException {
        if (finishing) {
            return;
        }
        boolean next = false;
        if (names.durationSeconds() > 0) {
            long second = Math.floorDiv(ts, 1_000_000_000L);
            if (second - lastSecond >= names.durationSeconds()) {
                lastSecond = second;
                next = true;
            }
        }
        if (!next && names.rolloverMb() > 0 && current.offset() > names.rolloverBytes()) {
            next = true;
        }
        if (next) {
            current.close();
            open();
        }
    }

    /** Whether files are rotated at all ({@code -C} or {@code -G}): only then are header tables written mid-capture. */
    public boolean rotates() {
        return names.rolloverMb() > 0 || names.durationSeconds() > 0;
    }

    /** The drop record, in the file being written (see {@link ScapWriter#writeDrops}). */
    public void writeDrops(long ts, long[] dropsPerCpu) throws IOException {
        current.writeDrops(ts, dropsPerCpu);
    }

    /**
     * Files opened whose header tables (processes, fds, users) alone held more than {@code -C}: each of them got
     * one event, the next one starting a new file, as libsinsp's cycle_writer decides on the whole file's offset
     * (scap_dump_get_offset, the header included; cyclewriter.cpp, consider). Shown so that a capture of one event
     * per file is explained (a larger -C), not mistaken for a broken writer.
     */
    public long overfullHeaders() {
        return overfullHeaders;
    }

    /** The largest header tables written into a file so far, in bytes. */
    public long largestHeader() {
        return largestHeader;
    }

    /** The files written, in the order they were first opened (a wrapped name appears once). */
    public List<Path> files() {
        return new ArrayList<>(written);
    }

    @Override
    public void close() throws IOException {
        current.close();
    }
}
