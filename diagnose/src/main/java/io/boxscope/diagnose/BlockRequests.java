package io.boxscope.diagnose;

import io.boxscope.bpf.BpfException;
import io.boxscope.bpf.btf.BtfException;
import io.boxscope.bpf.prog.AttachTargets;

/**
 * Where a block request is given the cgroup its latency is counted for, by diagnose's and serve's
 * block I/O latency collectors ({@code ebpf-biolat.bt}, {@code serve/biolat.bt}).
 *
 * <p>The block tracepoints carry no cgroup, and at {@code block_rq_issue} the current task is often
 * not the one that asked for the I/O: the block layer's plug flush, requeues and kblockd issue
 * requests from kernel threads. So the collectors decide when the request starts, in
 * {@code blk_mq_submit_bio} (block/blk-mq.c), which runs in the context of the task that submitted
 * the bio: the raw tracepoint {@code block_io_start} (blk_account_io_start, Linux 6.5+; its argument
 * is the {@code struct request *}, which then keys the request until {@code block_rq_complete}).
 * There the request's first bio also says which cgroup the kernel charges it to:
 * {@code bio->bi_blkg->blkcg->css.cgroup} (block/blk-cgroup.c, bio_associate_blkg: the submitter's
 * blkcg, or for writeback the blkcg of the inode's owner, mm/page-writeback and
 * Documentation/admin-guide/cgroup-v2.rst "Writeback"). That cgroup is used when it is on the
 * cgroup v2 hierarchy ({@code root->hierarchy_id == 0}, as cgroups(7) numbers it) and is one being
 * watched; else the submitter's own cgroup v2 ({@code bpf_get_current_cgroup_id()}).
 *
 * <p>A kernel without {@code block_io_start} starts requests at {@code block_rq_insert} instead
 * (blk_mq_insert_request: in the submitter's context for requests that go through the I/O
 * scheduler or are queued; a request dispatched straight to the driver is not inserted and is then
 * not counted per cgroup, only per disk).
 */
public final class BlockRequests {
    private BlockRequests() {}

    /** Where a request gets its cgroup: the two raw tracepoints a kernel may have. */
    public enum Start {
        /** {@code block_io_start} (blk_account_io_start, Linux 6.5+): every request, in the submitter's context. */
        IO_START("rawtracepoint:block_io_start"),
        /** {@code block_rq_insert}: older kernels; requests sent straight to the driver are not seen. */
        RQ_INSERT("rawtracepoint:block_rq_insert");

        private final String probe;

        Start(String probe) {
            this.probe = probe;
        }

        /** The probe as the probe language writes it. */
        public String probe() {
            return probe;
        }
    }

    /** The start this kernel has: {@code block_io_start} when its BTF names the raw tracepoint, else {@code block_rq_insert}. */
    public static Start detect() {
        try {
            if (AttachTargets.vmlinux().rawTracepointTypeId("block_io_start").isPresent()) {
                return Start.IO_START;
            }
        } catch (BtfException | BpfException e) {
            // no BTF to ask: the older tracepoint; loading the script then says what is missing
        }
        return Start.RQ_INSERT;
    }

    /** The raw tracepoint, as the probe language writes it, where a request gets its cgroup on this kernel. */
    public static String startProbe() {
        return detect().probe();
    }
}
