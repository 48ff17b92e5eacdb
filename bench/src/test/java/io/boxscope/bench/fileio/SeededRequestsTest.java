package io.boxscope.bench.fileio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import io.boxscope.bench.engine.Worker;
import io.boxscope.bench.fileio.FileIoOptions.ExtraFlag;
import io.boxscope.bench.fileio.FileIoOptions.IoMode;
import io.boxscope.bench.fileio.FileIoOptions.Mode;
import io.boxscope.bench.workload.Seeds;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * With --rand-seed a worker draws the random requests sysbench 1.0.20 draws for the same seed, request for request,
 * in every --file-io-mode: the expected lists are what sysbench itself read and wrote, not what this code computes,
 * captured on this machine (glibc 2.36) with
 * {@code strace -f -y -e trace=pread64,pwrite64 sysbench fileio --file-num=2 --file-total-size=32M --events=20
 * --time=0 --rand-seed=42 --file-test-mode=rndrd run} (default --percentile=95: the histogram takes one value after
 * every event) and with {@code --file-test-mode=rndrw --file-fsync-freq=0 --percentile=0} (no histogram: no value
 * skipped), one line per pread64/pwrite64 of a test file: r or w, the file's number, the offset. The requests are
 * taken from the worker's draws alone ({@link Worker#next}), so the mmap mode, which makes no system call per request,
 * is held to sysbench's offsets as the sync and async modes are (SysbenchDropInTest in cli compares the sync mode's
 * pread64 calls with sysbench's under strace).
 */
class SeededRequestsTest {
    static final List<String> RNDRD_42 = List.of("r 0 12140544", "r 1 8290304", "r 0 8847360", "r 1 11501568",
            "r 0 7487488", "r 0 11845632", "r 1 10027008", "r 1 13647872", "r 0 1310720", "r 1 7274496", "r 1 1343488",
            "r 1 2867200", "r 0 10682368", "r 0 6160384", "r 0 11419648", "r 0 16416768", "r 1 5455872", "r 1 4128768",
            "r 0 3588096", "r 0 4833280");

    static final List<String> RNDRW_42_NO_HISTOGRAM = List.of("r 0 12140544", "w 1 6832128", "r 1 8290304", "w 1 3735552",
            "r 0 8847360", "r 1 16728064", "w 1 11501568", "r 1 3555328", "w 0 7487488", "r 0 12746752", "r 0 11845632",
            "w 1 14712832", "r 1 10027008", "w 1 5210112", "r 1 13647872", "r 1 4177920", "w 0 1310720", "r 0 15417344",
            "w 1 7274496", "r 0 16711680");

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(IoMode.class)
    void aSeededRandomReadDrawsSysbenchsOffsets(IoMode io) throws Exception {
        assertEquals(RNDRD_42, draws(Mode.RNDRD, io, true));
    }

    @ParameterizedTest
    @EnumSource(IoMode.class)
    void withoutTheHistogramNoValueIsSkipped(IoMode io) throws Exception {
        assertEquals(RNDRW_42_NO_HISTOGRAM, draws(Mode.RNDRW, io, false));
    }

    /**
     * The first 20 requests worker 0 draws for --rand-seed=42 over two 16 MiB files (sparse: nothing is read or
     * written), 16 KiB blocks, --file-rw-ratio=1.5, no fsyncs; each request counted as done, as rndrw's choice
     * between read and write depends on the counts.
     */
    private List<String> draws(Mode mode, IoMode io, boolean histogram) throws Exception {
        FileIoOptions o = new FileIoOptions(dir, 2, 32L << 20, 16384, mode, EnumSet.noneOf(ExtraFlag.class), 0, false, false,
                false, 1.5, 1, io, 128);
        for (int i = 0; i < 2; i++) {
            try (RandomAccessFile f = new RandomAccessFile(o.file(i).toFile(), "rw")) {
                f.setLength(16L << 20);
            }
        }
        List<String> got = new ArrayList<>();
        try (FileIoWorkload w = new FileIoWorkload(o)) {
            w.seeds(Seeds.of(42, 0, histogram));
            Worker worker = w.worker(0);
            RequestWorker drawing = worker instanceof AsyncWorker a ? a.io : (RequestWorker) worker;
            for (int i = 0; i < 20; i++) {
                worker.next();
                FileIoWorkload.Request r = drawing.r;
                got.add((r.op == FileIoWorkload.OP_READ ? "r " : "w ") + r.file + " " + r.pos);
                w.done(r.op, r.size);
            }
            worker.done();
        }
        return got;
    }
}
