package io.boxscope.bench.workload;

import io.boxscope.bench.engine.Worker;

/** ReadSinkTest's child JVM: which read loops (seq, rnd) the library picks, and 20,000 events of each on a 4 KiB block. */
final class ReadSinkChild {
    private ReadSinkChild() {
    }

    public static void main(String[] args) throws Exception {
        Worker w = new MemoryWorkload(4096, 0, MemoryWorkload.Scope.LOCAL, MemoryWorkload.Oper.READ,
                MemoryWorkload.Access.SEQ, 1).worker(0);
        int events = 0;
        while (events < 20_000 && w.next()) {
            w.execute();
            events++;
        }
        System.out.println("active=" + ReadSink.active() + " worker=" + w.getClass().getSimpleName()
                + " events=" + events);
        Worker r = new MemoryWorkload(4096, 0, MemoryWorkload.Scope.LOCAL, MemoryWorkload.Oper.READ,
                MemoryWorkload.Access.RND, 1).worker(0);
        int rnd = 0;
        while (rnd < 20_000 && r.next()) {
            r.execute();
            rnd++;
        }
        System.out.println("active=" + ReadSink.active() + " rnd worker=" + r.getClass().getSimpleName()
                + " events=" + rnd);
    }
}
