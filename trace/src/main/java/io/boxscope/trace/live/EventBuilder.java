package io.boxscope.trace.live;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.proc.tasks.TaskInfo;
import io.boxscope.trace.scap.EventInfo;
import io.boxscope.trace.scap.EventTable;
import io.boxscope.trace.scap.LongMap;
import io.boxscope.trace.scap.ParamValue;
import io.boxscope.trace.scap.ScapEvent;

/**
 * Turns {@link RawRecord}s into the events sysdig's driver would have recorded (libs e5c53d64's
 * event table): system calls with an event of their own that Boxscope decodes ({@link #DECODED}) get
 * it, with their arguments as the driver fills them (flags as PPM_O_*, data cut to the snap length);
 * every other system call is a generic event ({@code syscall}, ID = its PPM_SC number, nativeID = the
 * kernel's number), exactly what sysdig records for system calls it has no event for. Process events
 * (clone family and execve exits, procexit) carry the thread table's view of the process ({@link LiveThreads}).
 * An exit whose entry was not seen (started mid-call, or entries not streamed under failed-only)
 * takes its arguments from the exit record, which then carries them.
 */
public final class EventBuilder {
    /** System calls with events of their own that the capture fills. */
    public static final Set<String> DECODED = union(Set.of("open", "openat", "read", "write", "pread64", "pwrite64", "close",
            "clone", "clone3", "fork", "vfork", "execve", "socket", "connect", "bind", "listen", "dup", "dup2", "dup3", "fcntl", "sendto", "recvfrom",
            "accept", "accept4", "pipe", "pipe2", "sendmsg", "recvmsg", "mmap", "munmap", "brk", "readv", "writev", "preadv", "pwritev", "execveat"), FileEvents.NAMES, OtherEvents.NAMES,
            AdminEvents.NAMES);

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        java.util.HashSet<String> all = new java.util.HashSet<>();
        for (Set<String> s : sets) {
            all.addAll(s);
        }
        return Set.copyOf(all);
    }

    private final SyscallTable syscalls;
    private final OpenFlags openFlags;
    private final LiveThreads threads;
    private final long epochOffset;
    private final int pageShift = Long.numberOfTrailingZeros(io.boxscope.bpf.sys.Sys.pageSize());
    /** By thread: the memory counters its last exec record carried (argument words 0-4), until its execve exit. */
    private final LongMap<long[]> execMemory = new LongMap<>();
    /** By thread: the open-files soft limit its last exec record carried (its return value), until its execve exit. */
    private final LongMap<Long> execFdLimit = new LongMap<>();
    /**
     * By process: the kernel clone flags of its last clone3 that made a thread, as the parent's exit read them
     * ({@link #cloneExitFlags}). A new thread's own exit reads {@code clone_args} from memory it shares with its
     * parent, whose stack may already hold something else (glibc 2.34+ pthread_create calls clone3 with the
     * struct on its stack); the parent reads it before returning to user space.
     */
    private final LongMap<Long> threadClone3 = new LongMap<>();
    private long fdLimitFromProc;
    /** By thread: the environment area its last exec record carried, until its execve exit. */
    private final LongMap<byte[]> execEnv = new LongMap<>();
    /** By thread: the execve exit's flags its last exec record decided ({@link ExeAccess}), until its execve exit. */
    private final LongMap<Long> execFlags = new LongMap<>();
    /** PPM_EXE_WRITABLE (libs e5c53d64 driver/ppm_events_public.h): the exec'd file is writable by the process. */
    static final long PPM_EXE_WRITABLE = 1;
    /** Exec records whose exe path or cwd the kernel's walk could not give ({@link PathWalk}): /proc's then. */
    private long pathsFromProc;
    private final Map<String, Integer> ppmSc = new HashMap<>();
    /** By thread: its last entry record on the full path, until its exit (a primitive map: no boxed tid per record). */
    private final LongMap<RawRecord> lastEnter = new LongMap<>();
    private long truncatedLists;
    /** Exits not written because the driver loses them on unreadable user memory ({@link #faultDrops}). */
    private long faultDrops;
    /** The probe's snap length: data that ends there was cut by it, not by the iovec copy bound ({@link #copyCut}). */
    private final int snapLen;

    /** A builder for records of a probe that copies up to {@link CaptureProbe#BLOB_MAX} bytes of I/O data. */
    public EventBuilder(SyscallTable syscalls, OpenFlags openFlags, LiveThreads threads, long epochOffset) {
        this(syscalls, openFlags, threads, epochOffset, CaptureProbe.BLOB_MAX);
    }

    /**
     * @param epochOffset nanoseconds to add to a record's CLOCK_MONOTONIC time for the wall clock
     * @param snapLen     the bytes of I/O data the probe copies (-s, bounded by {@link CaptureProbe#BLOB_MAX})
     */
    public EventBuilder(SyscallTable syscalls, OpenFlags openFlags, LiveThreads threads, long epochOffset, int snapLen) {
        this.snapLen = snapLen;
        this.syscalls = syscalls;
        this.openFlags = openFlags;
        this.threads = threads;
        this.epochOffset = epochOffset;
        EventTable t = EventTable.get();
        for (int id = 0; ; id++) {
            var n = t.syscallName(id);
            if (n.isEmpty()) {
                break;
            }
            ppmSc.putIfAbsent(n.get(), id);
        }
        lists = lists(syscalls);
        generic = new int[CaptureProbe.MAX_SYSCALLS];
        int genericType = EventTable.get().byConstant("PPME_GENERIC_E").id();
        for (int nr = 0; nr < generic.length; nr++) {
            String n = syscalls.name(nr);
            generic[nr] = DECODED.contains(n) || enterType(nr) != genericType ? -1 : ppmSc(n);
        }
    }

    /** By syscall number: the PPM_SC number its generic events carry, or -1 (an event of its own). */
    private final int[] generic;
    /** By syscall number: the list argument the probe may cut. */
    private final ListArg[] lists;

    private int enterType(int nr) {
        byte[] none = new byte[0];
        return enter(new RawRecord(RawRecord.ENTER, 0, 0, 0, 0, nr, 0, new long[6], none, none, none, none), 0).type();
    }

    /**
     * For a system call whose entry and exit are generic events ({@code PPME_GENERIC_E/X}, which carry only
     * its PPM_SC number and, at the entry, its own number), that PPM_SC number; -1 for one with events of its
     * own. A live {@code -w} writes the generic ones straight from the ring record
     * ({@link io.boxscope.trace.scap.ScapWriter#writeGeneric}); their events are those {@link #events} builds.
     */
    public int genericPpmSc(long nr) {
        return nr >= 0 && nr < generic.length ? generic[(int) nr] : -1;
    }

    /**
     * What {@link #events} does with the pairing state for an entry or exit record of a generic system call of
     * thread {@code tid}: an entry replaces the thread's last entry, its exit then takes it out, so after either
     * the thread has none kept.
     */
    public void forgetEnter(long tid) {
        if (lastEnter.size() > 0) {
            lastEnter.remove(tid);
        }
    }

    /**
     * Events whose argument list the probe cut: poll and ppoll with more pollfds than {@link CaptureProbe#BLOB_MAX}
     * bytes hold (1,024; the first ones are kept), readv, writev, preadv and pwritev with more than
     * {@link CaptureProbe#IOV_MAX} iovecs (size adds up the first ones) or, at the exit, whose data the probe's
     * {@link CaptureProbe#IOV_COPY} bound cut short of the snap length ({@link #copyCut}), counted so that {@code trace -v} shows them.
     */
    public long truncatedLists() {
        return truncatedLists;
    }

    /**
     * System call exits not turned into events because the driver loses them: the structure they copy from the caller
     * could not be read (quotactl's, {@link AdminEvents#exit}), where the driver's filler returns
     * PPM_FAILURE_INVALID_USER_MEMORY and counts a page-fault drop (n_drops_pf; libs e5c53d64 driver/bpf/fillers.h).
     * Their entries are written.
     */
    public long faultDrops() {
        return faultDrops;
    }

    /**
     * Successful execve and execveat exits whose fdlimit came from /proc when the event was built, because the probe
     * could not read the task's RLIMIT_NOFILE at the exec (no exec record, or its read failed).
     */
    public long fdLimitFromProc() {
        return fdLimitFromProc;
    }

    /**
     * Exec records whose exe path or cwd the probe's walk from the task did not give ({@link PathWalk}: no BTF for it,
     * a path deeper or longer than the walk, a failed read), so the thread table's /proc value was used.
     */
    public long pathsFromProc() {
        return pathsFromProc;
    }

    /**
     * The exe path and cwd an exec record's walks gave ({@link PathWalk}: slot 3 holds the exe path's components then
     * the cwd's, the id the first part's length and which walk reached a root); null for one that did not.
     */
    static String[] execPaths(RawRecord r) {
        byte[] s = r.sockaddr();
        int exeLen = (int) (r.id() & 0xffff_ffffL);
        String[] out = new String[2];
        if (exeLen > s.length) {
            return out;
        }
        if ((r.id() & PathWalk.EXE_DONE) != 0) {
            out[0] = PathWalk.path(java.util.Arrays.copyOfRange(s, 0, exeLen));
        }
        if ((r.id() & PathWalk.CWD_DONE) != 0) {
            out[1] = PathWalk.path(java.util.Arrays.copyOfRange(s, exeLen, s.length));
        }
        return out;
    }

    /** The list argument of a system call that the probe may cut ({@link #cut}). */
    private enum ListArg {
        /** No list the probe cuts. */
        NONE,
        /** poll and ppoll: argument 1 counts 8-byte pollfds. */
        POLLFDS,
        /** readv, writev, preadv and pwritev: argument 2 counts iovecs. */
        IOVECS
    }

    /**
     * By syscall number: its {@link ListArg}, decided once from the names, so that the per-record test is an array
     * read rather than a name lookup and a string switch.
     */
    private static ListArg[] lists(SyscallTable syscalls) {
        ListArg[] out = new ListArg[CaptureProbe.MAX_SYSCALLS];
        for (int nr = 0; nr < out.length; nr++) {
            out[nr] = switch (syscalls.name(nr)) {
                case "poll", "ppoll" -> ListArg.POLLFDS;
                case "readv", "writev", "preadv", "pwritev" -> ListArg.IOVECS;
                default -> ListArg.NONE;
            };
        }
        return out;
    }

    /** Whether {@code r}'s list argument is longer than the probe copies ({@link #truncatedLists}). */
    private boolean cut(RawRecord r) {
        long nr = r.id();
        if (nr < 0 || nr >= lists.length) {
            return false;
        }
        long[] a = r.args();
        return switch (lists[(int) nr]) {
            case POLLFDS -> (a[1] & 0xffff_ffffL) > CaptureProbe.BLOB_MAX / 8;
            case IOVECS -> (a[2] & 0xffff_ffffL) > CaptureProbe.IOV_MAX
                    || r.kind() == RawRecord.EXIT && copyCut(r);
            case NONE -> false;
        };
    }

    /**
     * Whether the probe stopped copying an exit's iovec buffers at its {@link CaptureProbe#IOV_COPY} bound with bytes
     * left that the snap length would have taken: the data holds exactly the first IOV_COPY iovecs' bytes, fewer than
     * the snap length (data that fills it was cut by the snap length, as every capture's is, even when the first
     * iovecs end there too), and the call moved more (its result, or a write's iovecs added up).
     */
    private boolean copyCut(RawRecord r) {
        byte[] iovs = r.strB();
        if ((r.args()[2] & 0xffff_ffffL) <= CaptureProbe.IOV_COPY || iovs.length < 16 * (CaptureProbe.IOV_COPY + 1)) {
            return false;
        }
        long first = iovBytes(java.util.Arrays.copyOf(iovs, 16 * CaptureProbe.IOV_COPY));
        long moved = r.ret() > 0 ? Math.min(r.ret(), iovBytes(iovs)) : 0;
        return r.buf().length == first && first < snapLen && moved > first;
    }

    /** The events of one record (none for fork and exec records, which only update the thread table). */
    public List<ScapEvent> events(RawRecord r) {
        long ts = r.ts() + epochOffset;
        if ((r.kind() == RawRecord.ENTER || r.kind() == RawRecord.EXIT) && cut(r)) {
            truncatedLists++;
        }
        return switch (r.kind()) {
            case RawRecord.ENTER -> {
                lastEnter.put(r.tid(), r);
                yield List.of(enter(r, ts));
            }
            case RawRecord.EXIT -> {
                RawRecord e = lastEnter.remove(r.tid());
                if (e != null && e.id() != r.id()) {
                    e = null;
                }
                ScapEvent x = exit(r, e == null ? r : e, ts);
                if (x == null) {
                    faultDrops++; // the driver loses this exit (unreadable user memory): counted, as its n_drops_pf
                    yield List.of();
                }
                yield List.of(x);
            }
            case RawRecord.FORK -> {
                threads.fork(r.pid(), r.tid(), r.id() >>> 32, r.id() & 0xffff_ffffL, r.ret()); // ret: the child's v2 cgroup id
                yield List.of();
            }
            case RawRecord.EXEC -> {
                long oldTid = (r.id() >>> SchedPrograms.OLD_TID_SHIFT) & SchedPrograms.OLD_TID_MASK;
                if (oldTid != 0 && oldTid != r.tid()) {
                    // a thread that was not the leader now has the leader's tid (fs/exec.c de_thread): its execve
                    // entry (the exit comes under the new tid) and its table entry follow it
                    RawRecord entry = lastEnter.remove(oldTid);
                    if (entry != null) {
                        lastEnter.put(r.tid(), entry);
                    }
                    threads.retid(oldTid, r.tid());
                }
                String[] paths = execPaths(r);
                threads.exec(r.pid(), r.tid(), RawRecord.execComm(r.strA()), r.strB(), paths[0], paths[1], RawRecord.execCgroup(r.strA()));
                if (paths[0] == null || paths[1] == null) {
                    pathsFromProc++;
                }
                if ((r.id() & ExeAccess.KNOWN) != 0) {
                    execFlags.put(r.tid(), (r.id() & ExeAccess.WRITABLE) != 0 ? PPM_EXE_WRITABLE : 0L);
                } else {
                    execFlags.remove(r.tid());
                }
                if (r.buf().length > 0) {
                    byte[] env = r.buf().clone();
                    env[env.length - 1] = 0; // as the driver ends a cut area (str_storage[env_len - 1] = 0)
                    execEnv.put(r.tid(), env);
                } else {
                    execEnv.remove(r.tid());
                }
                if (r.ret() >= 0) {
                    execFdLimit.put(r.tid(), r.ret());
                } else {
                    execFdLimit.remove(r.tid());
                }
                if (r.args()[5] == 1) {
                    execMemory.put(r.tid(), r.args().clone());
                } else {
                    execMemory.remove(r.tid());
                }
                yield List.of();
            }
            case RawRecord.PROCEXIT -> {
                lastEnter.remove(r.tid());
                execMemory.remove(r.tid());
                execFdLimit.remove(r.tid());
                execEnv.remove(r.tid());
                execFlags.remove(r.tid());
                ScapEvent e = ScapEvent.builder("PPME_PROCEXIT_1_E", ts, r.tid(), r.cpu())
                        .num(0).num(0).num(0).num(0).build();
                threads.exit(r.tid());
                yield List.of(e);
            }
            default -> throw new IllegalArgumentException("trace record of unknown kind " + r.kind());
        };
    }

    /**
     * The {@code evt.type} of the events of system call {@code nr} (its entry's and its exit's are the same
     * name), as {@link #events} names them: what a chisel counted in the kernel by syscall number shows.
     * Needs no thread table.
     */
    public String typeName(int nr) {
        byte[] none = new byte[0];
        RawRecord r = new RawRecord(RawRecord.ENTER, 0, 0, 0, 0, nr, 0, new long[6], none, none, none, none);
        return io.boxscope.trace.scap.EventFormatter.typeName(enter(r, 0));
    }

    /**
     * Whether the exits of system call {@code nr} are I/O events as {@link #events} builds them (an event of its
     * own flagged EF_READS_FROM_FD or EF_WRITES_TO_FD, {@code evt.is_io}) with the fd as the first argument:
     * the calls whose bytes {@link IoProbe} adds by the fd's type. Needs no thread table.
     */
    public boolean ioSyscall(int nr) {
        String n = syscalls.name(nr);
        if (n == null || !DECODED.contains(n)) {
            return false;
        }
        byte[] none = new byte[0];
        RawRecord r = new RawRecord(RawRecord.ENTER, 0, 0, 0, 0, nr, 0, new long[6], none, none, none, none);
        EventInfo i = enter(r, 0).info().orElse(null);
        return i != null && (i.flags().contains("EF_READS_FROM_FD") || i.flags().contains("EF_WRITES_TO_FD"))
                && i.indexOf("fd") == 0;
    }

    private String name(RawRecord r) {
        return syscalls.name(r.id());
    }

    private ScapEvent enter(RawRecord r, long ts) {
        String n = name(r);
        long[] a = r.args();
        return switch (n) {
            case "openat" -> b("PPME_SYSCALL_OPENAT_2_E", r, ts).num((int) a[0]).str(r.strA())
                    .num(openFlags.toScap(a[2])).num(openFlags.mode(a[2], a[3])).build();
            case "open" -> b("PPME_SYSCALL_OPEN_E", r, ts).str(r.strA())
                    .num(openFlags.toScap(a[1])).num(openFlags.mode(a[1], a[2])).build();
            case "read" -> b("PPME_SYSCALL_READ_E", r, ts).num((int) a[0]).num(a[2]).build();
            case "write" -> b("PPME_SYSCALL_WRITE_E", r, ts).num((int) a[0]).num(a[2]).build();
            case "pread64" -> b("PPME_SYSCALL_PREAD_E", r, ts).num((int) a[0]).num(a[2]).num(a[3]).build();
            case "pwrite64" -> b("PPME_SYSCALL_PWRITE_E", r, ts).num((int) a[0]).num(a[2]).num(a[3]).build();
            case "close" -> b("PPME_SYSCALL_CLOSE_E", r, ts).num((int) a[0]).build();
            case "clone" -> b("PPME_SYSCALL_CLONE_20_E", r, ts).build();
            case "clone3" -> b("PPME_SYSCALL_CLONE3_E", r, ts).build();
            case "fork" -> b("PPME_SYSCALL_FORK_20_E", r, ts).build();
            case "vfork" -> b("PPME_SYSCALL_VFORK_20_E", r, ts).build();
            case "execve" -> b("PPME_SYSCALL_EXECVE_19_E", r, ts).str(r.strA()).build();
            // sys_execveat_e: dirfd (AT_FDCWD is PPM_AT_FDCWD, the same -100), the path ("<NA>" when unreadable), the
            // flags as PPM_EXVAT_* (AT_EMPTY_PATH 0x1000, AT_SYMLINK_NOFOLLOW 0x100: include/uapi/linux/fcntl.h)
            case "execveat" -> b("PPME_SYSCALL_EXECVEAT_E", r, ts).num((int) a[0])
                    .str(r.strA().length > 0 ? r.strA() : "<NA>".getBytes(StandardCharsets.US_ASCII))
                    .num(((a[4] & 0x1000) != 0 ? 1 : 0) | ((a[4] & 0x100) != 0 ? 2 : 0)).build();
            // PPM_AF_* are Linux's AF_* numbers; type and protocol go as the caller gave them
            case "socket" -> b("PPME_SOCKET_SOCKET_E", r, ts).num((int) a[0]).num(a[1] & 0xffff_ffffL).num(a[2] & 0xffff_ffffL).build();
            case "connect" -> {
                byte[] addr = SockAddrs.encode(r.sockaddr());
                ScapEvent.Builder c = b("PPME_SOCKET_CONNECT_E", r, ts).num((int) a[0]);
                yield (addr == null ? c.empty() : c.bytes(addr)).build();
            }
            case "bind" -> b("PPME_SOCKET_BIND_E", r, ts).num((int) a[0]).build();
            case "listen" -> b("PPME_SOCKET_LISTEN_E", r, ts).num((int) a[0]).num(a[1] & 0xffff_ffffL).build();
            // the driver of libs e5c53d64 records dup2 and dup3 as dup events (its syscall table), oldfd only
            case "dup", "dup2", "dup3" -> b("PPME_SYSCALL_DUP_E", r, ts).num((int) a[0]).build();
            case "fcntl" -> b("PPME_SYSCALL_FCNTL_E", r, ts).num((int) a[0]).num(FcntlCommands.toScap(a[1])).build();
            // sendto's tuple: the socket's local end and the destination the caller gives; none on a connected socket
            case "sendto" -> {
                byte[] tuple = outbound(r.strA(), r.sockaddr());
                ScapEvent.Builder c = b("PPME_SOCKET_SENDTO_E", r, ts).num((int) a[0]).num(a[2] & 0xffff_ffffL);
                yield (tuple == null ? c.empty() : c.bytes(tuple)).build();
            }
            case "recvfrom" -> b("PPME_SOCKET_RECVFROM_E", r, ts).num((int) a[0]).num(a[2] & 0xffff_ffffL).build();
            // the driver of libs e5c53d64 records accept as ACCEPT_5 and accept4 as ACCEPT4_5, whose flags it
            // always writes as 0 ("we don't support flags yet", fillers.h sys_accept4_e)
            case "accept" -> b("PPME_SOCKET_ACCEPT_5_E", r, ts).build();
            case "accept4" -> b("PPME_SOCKET_ACCEPT4_5_E", r, ts).num(0).build();
            case "pipe", "pipe2" -> b("PPME_SOCKET_PIPE_E", r, ts).build();
            // size: the iovecs' lengths added up; tuple: the local end and msg_name when given, as sendto's
            case "sendmsg" -> {
                byte[] tuple = outbound(r.strA(), r.sockaddr());
                ScapEvent.Builder c = b("PPME_SOCKET_SENDMSG_E", r, ts).num((int) a[0]).num(iovBytes(r.strB()));
                yield (tuple == null ? c.empty() : c.bytes(tuple)).build();
            }
            case "recvmsg" -> b("PPME_SOCKET_RECVMSG_E", r, ts).num((int) a[0]).build();
            // fd as the caller passed it (-1 for an anonymous mapping); prot and flags as PPM_PROT_* / PPM_MAP_*
            case "mmap" -> b("PPME_SYSCALL_MMAP_E", r, ts).num(a[0]).num(a[1]).num(MmapFlags.prot(a[2]))
                    .num(MmapFlags.flags(a[3])).num(a[4]).num(a[5]).build();
            case "munmap" -> b("PPME_SYSCALL_MUNMAP_E", r, ts).num(a[0]).num(a[1]).build();
            // readv and the like (the driver's fillers over parse_readv_writev_bufs): a write's size adds the iovecs'
            // lengths up (slot 1: the array); preadv's and pwritev's position is argument 3 (one register on LP64)
            case "readv" -> b("PPME_SYSCALL_READV_E", r, ts).num((int) a[0]).build();
            case "writev" -> b("PPME_SYSCALL_WRITEV_E", r, ts).num((int) a[0]).num(iovBytes(r.strB())).build();
            case "preadv" -> b("PPME_SYSCALL_PREADV_E", r, ts).num((int) a[0]).num(a[3]).build();
            case "pwritev" -> b("PPME_SYSCALL_PWRITEV_E", r, ts).num((int) a[0]).num(iovBytes(r.strB())).num(a[3]).build();
            // libs e5c53d64 records brk as BRK_4: the address asked for, then at the exit the break and the memory sizes
            case "brk" -> b("PPME_SYSCALL_BRK_4_E", r, ts).num(a[0]).build();
            default -> FileEvents.NAMES.contains(n) ? FileEvents.enter(n, r, ts, openFlags)
                    : OtherEvents.NAMES.contains(n) ? OtherEvents.enter(n, r, ts)
                    : AdminEvents.NAMES.contains(n) ? AdminEvents.enter(n, r, ts)
                    : b("PPME_GENERIC_E", r, ts).num(ppmSc(n)).num(r.id()).build();
        };
    }

    /** {@code e} is the matching entry record, or the exit record itself when the entry was not seen. */
    private ScapEvent exit(RawRecord r, RawRecord e, long ts) {
        String n = name(r);
        long[] a = e.args();
        long ret = r.ret();
        return switch (n) {
            // the path as the probe read it at the exit (as the driver does), else the entry's
            case "openat" -> b("PPME_SYSCALL_OPENAT_2_X", r, ts).num(ret).num((int) a[0]).str(exitPath(r, e))
                    .num(openFlags.toScap(a[2])).num(openFlags.mode(a[2], a[3])).num(0).build();
            case "open" -> b("PPME_SYSCALL_OPEN_X", r, ts).num(ret).str(exitPath(r, e))
                    .num(openFlags.toScap(a[1])).num(openFlags.mode(a[1], a[2])).num(0).build();
            case "read" -> b("PPME_SYSCALL_READ_X", r, ts).num(ret).bytes(r.buf()).build();
            case "pread64" -> b("PPME_SYSCALL_PREAD_X", r, ts).num(ret).bytes(r.buf()).build();
            // the driver copies the caller's buffer at exit, up to the return value when it succeeded: the probe
            // reads it there too, only when the call succeeded (SyscallConfig), so the exit record has it
            case "write" -> b("PPME_SYSCALL_WRITE_X", r, ts).num(ret).bytes(r.buf()).build();
            case "pwrite64" -> b("PPME_SYSCALL_PWRITE_X", r, ts).num(ret).bytes(r.buf()).build();
            case "close" -> b("PPME_SYSCALL_CLOSE_X", r, ts).num(ret).build();
            case "clone" -> process("PPME_SYSCALL_CLONE_20_X", r, ts, ret);
            case "clone3" -> process("PPME_SYSCALL_CLONE3_X", r, ts, ret);
            case "fork" -> process("PPME_SYSCALL_FORK_20_X", r, ts, ret);
            case "vfork" -> process("PPME_SYSCALL_VFORK_20_X", r, ts, ret);
            case "execve" -> process("PPME_SYSCALL_EXECVE_19_X", r, e, ts, ret);
            case "execveat" -> process("PPME_SYSCALL_EXECVEAT_X", r, e, ts, ret);
            case "socket" -> b("PPME_SOCKET_SOCKET_X", r, ts).num(ret).build();
            case "connect" -> {
                // the local end from the kernel socket, the remote one as the caller gave it (the driver's connect filler)
                // EBADF, ENOTSOCK: no socket behind the fd (the probe read whatever the file holds), as the driver
                // finds none: no tuple
                SockAddrs.SockInfo si = ret == -9 || ret == -88 ? null : SockAddrs.sockInfo(r.strA());
                ParamValue.SockAddr to = SockAddrs.parse(e.sockaddr());
                // a unix socket: the kernel's sock pointers and the peer's path (the caller's when unconnected)
                byte[] tuple = si != null && si.unix() != null ? SockAddrs.unixTuple(si.unix(), to, false)
                        : si != null && to != null && to.family() != 1 ? SockAddrs.tuple(si, to, false) : null;
                if (tuple == null && ret != -9 && ret != -88) {
                    tuple = SockAddrs.tuple(e.sockaddr());
                }
                ScapEvent.Builder c = b("PPME_SOCKET_CONNECT_X", r, ts).num(ret);
                yield (tuple == null ? c.empty() : c.bytes(tuple)).build();
            }
            case "bind" -> {
                byte[] addr = SockAddrs.encode(e.sockaddr());
                ScapEvent.Builder c = b("PPME_SOCKET_BIND_X", r, ts).num(ret);
                yield (addr == null ? c.empty() : c.bytes(addr)).build();
            }
            case "listen" -> b("PPME_SOCKET_LISTEN_X", r, ts).num(ret).build();
            case "dup", "dup2", "dup3" -> b("PPME_SYSCALL_DUP_X", r, ts).num(ret).build();
            case "fcntl" -> b("PPME_SYSCALL_FCNTL_X", r, ts).num(ret).build();
            // the kernel's format types sendto's buffer "void *" (not const): the probe reads it at exit, up to the
            // return value, as the driver copies it
            case "sendto" -> b("PPME_SOCKET_SENDTO_X", r, ts).num(ret).bytes(r.buf().length > 0 ? r.buf() : written(e, ret)).build();
            // the sender's address the kernel wrote to src_addr, the local end from the socket; no tuple when the
            // caller passed no address (recv(2)), as the driver's recvfrom filler
            case "recvfrom" -> {
                ScapEvent.Builder c = b("PPME_SOCKET_RECVFROM_X", r, ts).num(ret).bytes(r.buf());
                yield withTuple(c, ret, r.strA(), r.sockaddr()).build();
            }
            case "accept", "accept4" -> {
                SockAddrs.SockInfo si = ret >= 0 ? SockAddrs.sockInfo(r.strA()) : null;
                byte[] tuple = si == null ? null : SockAddrs.tuple(si, null, true);
                long pct = si == null || si.maxAckBacklog() == 0 ? 0 : si.ackBacklog() * 100 / si.maxAckBacklog();
                ScapEvent.Builder c = b(n.equals("accept") ? "PPME_SOCKET_ACCEPT_5_X" : "PPME_SOCKET_ACCEPT4_5_X", r, ts).num(ret);
                yield (tuple == null ? c.empty() : c.bytes(tuple)).num(pct & 0xff)
                        .num(si == null ? 0 : si.ackBacklog()).num(si == null ? 0 : si.maxAckBacklog()).build();
            }
            case "pipe", "pipe2" -> {
                java.nio.ByteBuffer p = java.nio.ByteBuffer.wrap(r.strA()).order(java.nio.ByteOrder.nativeOrder());
                boolean have = r.strA().length >= 16;
                yield b("PPME_SOCKET_PIPE_X", r, ts).num(ret).num(have ? p.getInt(0) : -1).num(have ? p.getInt(4) : -1)
                        .num(have ? p.getLong(8) : 0).build();
            }
            case "sendmsg" -> b("PPME_SOCKET_SENDMSG_X", r, ts).num(ret).bytes(written(e, ret)).build();
            case "recvmsg" -> {
                ScapEvent.Builder c = b("PPME_SOCKET_RECVMSG_X", r, ts).num(ret).num(iovBytes(r.strB())).bytes(r.buf());
                yield withTuple(c, ret, r.strA(), r.sockaddr()).build();
            }
            case "mmap" -> memory(b("PPME_SYSCALL_MMAP_X", r, ts).num(ret), r).build();
            case "munmap" -> memory(b("PPME_SYSCALL_MUNMAP_X", r, ts).num(ret), r).build();
            case "brk" -> memory(b("PPME_SYSCALL_BRK_4_X", r, ts).num(ret), r).build();
            // a read's size: the iovecs' lengths, at most the result when it is not negative (the driver compares
            // them as unsigned); its data up to the result, a write's whatever it returned (the probe, CaptureProbe.msghdr)
            case "readv" -> b("PPME_SYSCALL_READV_X", r, ts).num(ret).num(readSize(r.strB(), ret)).bytes(r.buf()).build();
            case "preadv" -> b("PPME_SYSCALL_PREADV_X", r, ts).num(ret).num(readSize(r.strB(), ret)).bytes(r.buf()).build();
            case "writev" -> b("PPME_SYSCALL_WRITEV_X", r, ts).num(ret).bytes(r.buf()).build();
            case "pwritev" -> b("PPME_SYSCALL_PWRITEV_X", r, ts).num(ret).bytes(r.buf()).build();
            default -> FileEvents.NAMES.contains(n) ? FileEvents.exit(n, r, e, ts, openFlags)
                    : OtherEvents.NAMES.contains(n) ? OtherEvents.exit(n, r, e, ts)
                    : AdminEvents.NAMES.contains(n) ? AdminEvents.exit(n, r, e, ts)
                    : b("PPME_GENERIC_X", r, ts).num(ppmSc(n)).build();
        };
    }

    /** An inbound tuple (the sender, then the socket's local end) when the call succeeded and both are known; else empty. */
    private static ScapEvent.Builder withTuple(ScapEvent.Builder c, long ret, byte[] sockInfo, byte[] from) {
        SockAddrs.SockInfo si = ret >= 0 ? SockAddrs.sockInfo(sockInfo) : null;
        ParamValue.SockAddr a = si == null ? null : SockAddrs.parse(from);
        byte[] tuple = a == null ? null : SockAddrs.tuple(si, a, true);
        return tuple == null ? c.empty() : c.bytes(tuple);
    }

    /**
     * sendto's and sendmsg's tuple: the socket's local end (read at entry) and the destination the caller
     * gave; none without a destination (a connected socket), as the driver's fillers; the local end zero
     * when the probe could not read the socket.
     */
    private static byte[] outbound(byte[] sockInfo, byte[] to) {
        SockAddrs.SockInfo si = SockAddrs.sockInfo(sockInfo);
        ParamValue.SockAddr a = SockAddrs.parse(to);
        byte[] t = si != null && a != null && (a.family() != 1 || si.unix() != null) ? SockAddrs.tuple(si, a, false) : null;
        return t != null ? t : SockAddrs.tuple(to);
    }

    /** readv's and preadv's size: the iovecs' lengths added up, capped to a non-negative result (u64 against int64). */
    private static long readSize(byte[] iovs, long ret) {
        long n = iovBytes(iovs);
        return ret >= 0 && n > ret ? ret : n;
    }

    /** The lengths of a msghdr's iovecs (LP64 struct iovec: base, length) added up. */
    private static long iovBytes(byte[] iovs) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(iovs).order(java.nio.ByteOrder.nativeOrder());
        long n = 0;
        for (int i = 0; i + 16 <= iovs.length; i += 16) {
            n += b.getLong(i + 8);
        }
        return n & 0xffff_ffffL;
    }

    /**
     * vm_size, vm_rss, vm_swap (KiB) of the process after an mmap or munmap, from the counters the probe read
     * in its mm_struct (total_vm; rss = file + anon + shmem pages; swap entries), as the driver computes them;
     * zeros when the probe could not read them.
     */
    private ScapEvent.Builder memory(ScapEvent.Builder c, RawRecord r) {
        byte[] m = r.strA();
        if (m.length < KernelObjects.MM_INFO || pageShift < 10) {
            return c.num(0).num(0).num(0);
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(m).order(java.nio.ByteOrder.nativeOrder());
        long[] w = new long[5];
        for (int i = 0; i < 5; i++) {
            w[i] = b.getLong(8 * i);
        }
        long[] kb = memoryKb(w);
        return c.num(kb[0]).num(kb[1]).num(kb[2]);
    }

    /** vm_size, vm_rss, vm_swap in KiB of the counters {@link KernelObjects#MM_INFO} lays out (total_vm, file, anon, swap, shmem pages). */
    private long[] memoryKb(long[] w) {
        int toKb = pageShift - 10;
        long rss = Math.max(0, w[1]) + Math.max(0, w[2]) + Math.max(0, w[4]);
        return new long[] {(w[0] << toKb) & 0xffff_ffffL, (rss << toKb) & 0xffff_ffffL, (Math.max(0, w[3]) << toKb) & 0xffff_ffffL};
    }

    /** open's and openat's path: read again at the exit ({@link SyscallConfig#STR_EXIT}), or the entry's when that read got nothing. */
    private static byte[] exitPath(RawRecord r, RawRecord e) {
        return r.strA().length > 0 ? r.strA() : e.strA();
    }

    private static byte[] written(RawRecord e, long ret) {
        byte[] buf = e == null ? new byte[0] : e.buf();
        if (ret < 0) {
            return new byte[0];
        }
        return ret < buf.length ? java.util.Arrays.copyOf(buf, (int) ret) : buf;
    }

    private int ppmSc(String name) {
        return ppmSc.getOrDefault(name, 0);
    }

    private static ScapEvent.Builder b(String constant, RawRecord r, long ts) {
        return ScapEvent.builder(constant, ts, r.tid(), r.cpu());
    }

    /**
     * A clone-family or execve exit: the process fields come from the thread table (the child's own
     * entry for the child's exit, which the fork record created; the refreshed entry after an exec).
     */
    private ScapEvent process(String constant, RawRecord r, long ts, long ret) {
        return process(constant, r, r, ts, ret);
    }

    /**
     * {@link #process} with the call's entry record {@code e} (the exit record itself when the entry was not seen): a
     * failed execve's or execveat's exe, args and env are the caller's argv and envp, which the probe copied at the
     * entry ({@link ExecArgv}), as the driver's exit reads them from the call's arguments when it returned a negative
     * value (libs driver/modern_bpf execve.bpf.c); everything else is the calling task's, as for any exit. Without the
     * entry (a capture that started mid-call) they stay the thread table's, the caller's own command line.
     */
    private ScapEvent process(String constant, RawRecord r, RawRecord e, long ts, long ret) {
        boolean exec = constant.equals("PPME_SYSCALL_EXECVE_19_X") || constant.equals("PPME_SYSCALL_EXECVEAT_X");
        boolean fromEntry = exec && ret < 0 && e != r && e.kind() == RawRecord.ENTER;
        TaskInfo t = threads.get(r.tid());
        Map<String, Object> v = new HashMap<>();
        v.put("res", ret);
        if (t != null) {
            v.put("exe", t.exe());
            v.put("args", nulJoined(t.args()));
            v.put("tid", t.tid());
            v.put("pid", t.pid());
            v.put("ptid", t.ppid());
            v.put("cwd", t.cwd());
            v.put("comm", t.comm());
            v.put("cgroups", nulJoined(t.cgroups()));
            v.put("uid", (long) t.uid());
            v.put("gid", (long) t.gid());
            v.put("vtid", t.vtid());
            v.put("vpid", t.vpid());
            v.put("loginuid", (long) t.loginuid());
            // the driver's execve exit (driver/bpf/fillers.h, libs e5c53d64): the group id in the task's PID
            // namespace and the tty_nr of its controlling terminal, which /proc/PID/stat shows the same
            v.put("pgid", t.session().vpgid());
            v.put("tty", (long) t.session().tty());
        } else {
            v.put("tid", r.tid());
            v.put("pid", r.pid());
        }
        if (r.id() == -1) {
            // a state-only clone (no record): a thread as libscap's proc scan lists it, PPM_CL_CLONE_THREAD |
            // PPM_CL_CLONE_FILES; sinsp shares the process's fd table only with CLONE_FILES
            if (t != null && t.tid() != t.pid()) {
                v.put("flags", (long) LiveTables.THREAD_FLAGS);
            }
        } else if (!exec) {
            v.put("flags", cloneExitFlags(constant, r, t, ret));
        }
        // fdlimit and memory sizes of the process now (the driver reads them from the task's rlimits and mm)
        // (a failed exec's too: the driver reads the caller's, which is still there; a failed clone has no child)
        io.boxscope.proc.tasks.TaskMemory mem = ret >= 0 || exec ? threads.memory(t != null ? t.pid() : r.pid())
                : io.boxscope.proc.tasks.TaskMemory.NONE;
        v.put("fdlimit", mem.fdLimit() >= 0 ? mem.fdLimit() : 1024L);
        Long nofile = exec ? execFdLimit.remove(r.tid()) : null;
        if (nofile != null && ret == 0) {
            // the new image's, read by the probe at the exec (the process may be gone when /proc is read)
            v.put("fdlimit", nofile);
        } else if (exec && ret == 0) {
            fdLimitFromProc++;
        }
        byte[] env = exec ? execEnv.remove(r.tid()) : null;
        if (env != null && ret == 0) {
            v.put("env", env); // the new image's environment area, read by the probe at the exec
        }
        if (fromEntry) {
            failedExec(v, e);
        }
        Long exeFlags = exec ? execFlags.remove(r.tid()) : null;
        if (exeFlags != null && ret == 0) {
            v.put("flags", exeFlags); // PPM_EXE_WRITABLE, decided by the probe at the exec
        }
        v.put("vm_size", mem.vmSizeKb());
        v.put("vm_rss", mem.vmRssKb());
        v.put("vm_swap", mem.vmSwapKb());
        long[] execMem = exec ? execMemory.remove(r.tid()) : null;
        if (fromEntry) {
            failedExecTask(v, e);
        }
        if (execMem != null && ret == 0 && pageShift >= 10) {
            // the new image's, read by the probe at the exec: /proc is read now, after a short process is gone
            long[] kb = memoryKb(execMem);
            v.put("vm_size", kb[0]);
            v.put("vm_rss", kb[1]);
            v.put("vm_swap", kb[2]);
        }
        ScapEvent.Builder b = b(constant, r, ts);
        EventInfo info = EventTable.get().byConstant(constant);
        for (EventInfo.ParamInfo p : info.params()) {
            Object o = v.get(p.name());
            switch (p.type()) {
                case CHARBUF, FSPATH, FSRELPATH -> b.str(o instanceof String s ? s : "");
                case BYTEBUF -> b.bytes(o instanceof byte[] bytes ? bytes : new byte[0]);
                default -> {
                    if (p.type().size() < 0) {
                        b.empty();
                    } else {
                        b.num(o instanceof Long l ? l : 0);
                    }
                }
            }
        }
        return b.build();
    }

    /**
     * A failed exec's exe (argv[0]), args (argv[1..], each with its NUL) and env (envp's strings, each with its NUL)
     * from its entry record's slots 1 and 2 ({@link ExecArgv}); an area the probe cut ends with a NUL, as the driver
     * ends a cut one. An empty or NULL argv gives an empty exe and args, as the driver's.
     */
    private static void failedExec(Map<String, Object> v, RawRecord e) {
        byte[] argv = nulEnded(e.strB());
        int first = 0;
        while (first < argv.length && argv[first] != 0) {
            first++;
        }
        v.put("exe", io.boxscope.proc.RawText.decode(argv, 0, first));
        v.put("args", first + 1 >= argv.length ? new byte[0] : java.util.Arrays.copyOfRange(argv, first + 1, argv.length));
        v.put("env", nulEnded(e.buf()));
    }

    /**
     * A failed exec's fdlimit, vm_size, vm_rss, vm_swap and flags (PPM_EXE_WRITABLE of the caller's own exe): the
     * caller's, which the probe read from the task at the entry (its slot 3, {@link ExecArgv#TASK_INFO}), as the driver's exit reads them from the task; a part the probe
     * could not read stays /proc's, read now (1024 and zeros once the caller is gone).
     */
    private void failedExecTask(Map<String, Object> v, RawRecord e) {
        byte[] s = e.sockaddr();
        if (s.length != ExecArgv.TASK_INFO) {
            return;
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(s).order(java.nio.ByteOrder.nativeOrder());
        long[] w = new long[ExecArgv.TASK_INFO / 8];
        for (int i = 0; i < w.length; i++) {
            w[i] = b.getLong(8 * i);
        }
        if (w[ExecArgv.TASK_NOFILE] != -1) {
            v.put("fdlimit", w[ExecArgv.TASK_NOFILE]);
        }
        if (w[ExecArgv.TASK_EXE_WRITABLE] != -1) {
            v.put("flags", w[ExecArgv.TASK_EXE_WRITABLE] == 1 ? PPM_EXE_WRITABLE : 0L);
        }
        if (w[ExecArgv.TASK_MM_READ] == 1 && pageShift >= 10) {
            long[] kb = memoryKb(w);
            v.put("vm_size", kb[0]);
            v.put("vm_rss", kb[1]);
            v.put("vm_swap", kb[2]);
        }
    }

    /** {@code area} with its last byte NUL (a copy when it was not). */
    private static byte[] nulEnded(byte[] area) {
        if (area.length == 0 || area[area.length - 1] == 0) {
            return area;
        }
        byte[] c = area.clone();
        c[c.length - 1] = 0;
        return c;
    }

    /**
     * The flags of a clone-family exit, the parent's and the child's alike, as libs e5c53d64's fillers write them
     * (driver/bpf/fillers.h, f_proc_startupdate): clone's flags argument (still in the child's registers, copied from
     * the parent's) or clone3's {@code clone_args.flags} (read by the probe at the exit: {@link SyscallConfig}), fork
     * and vfork none, as PPM_CL_* ({@link OtherEvents#cloneFlags}); then PPM_CL_CHILD_IN_PIDNS when the calling thread
     * is not in the initial PID namespace (its ids there differ from the host's: the driver's pidns level != 0). The
     * driver's second test, a thread whose children go to another namespace after unshare(CLONE_NEWPID), is not
     * made (its nsproxy is not read). PPM_CL_CLONE_INVERTED is sinsp's own, never in the file.
     */
    private long cloneExitFlags(String constant, RawRecord r, TaskInfo t, long ret) {
        long k = switch (constant) {
            case "PPME_SYSCALL_CLONE_20_X" -> r.args()[0];
            case "PPME_SYSCALL_CLONE3_X" -> clone3Flags(r, ret);
            default -> 0;
        };
        long flags = OtherEvents.cloneFlags(k);
        if (t != null && t.vtid() != t.tid()) {
            flags |= 1L << 29; // PPM_CL_CHILD_IN_PIDNS
        }
        return flags;
    }

    /**
     * clone3's {@code clone_args.flags} for its exit. The driver reads them from user memory at each exit, the
     * child's too (libs e5c53d64 driver/ppm_fillers.c f_proc_startupdate, PPME_SYSCALL_CLONE3_X); a new thread
     * (CLONE_VM: its tid is not its pid) reads its parent's stack, which may have moved on, so it takes the flags
     * its process's last thread-making clone3 read in the parent ({@link #threadClone3}) when there is one.
     */
    private long clone3Flags(RawRecord r, long ret) {
        long read = r.buf().length >= 8
                ? java.nio.ByteBuffer.wrap(r.buf()).order(java.nio.ByteOrder.nativeOrder()).getLong(0) : 0;
        if (ret > 0 && (read & CLONE_THREAD) != 0) {
            threadClone3.put(r.pid(), read);
        } else if (ret == 0 && r.pid() != r.tid()) {
            Long parent = threadClone3.get(r.pid());
            if (parent != null) {
                return parent;
            }
        }
        return read;
    }

    /** include/uapi/linux/sched.h. */
    private static final long CLONE_THREAD = 0x00010000L;

    /**
     * A state-only clone exit on the child's side ({@code SCAP_DF_STATE_ONLY}: sysdig applies it and
     * prints nothing) describing thread {@code tid} from the thread table, for a thread whose clone the
     * capture did not stream (it started before, or clone is outside a pushed-down syscall set); null
     * when the table does not know it either.
     */
    public ScapEvent stateClone(long tid, long ts, int cpu) {
        TaskInfo t = threads.get(tid);
        if (t == null) {
            return null;
        }
        RawRecord r = new RawRecord(RawRecord.EXIT, cpu, ts, t.pid(), tid, -1, 0, new long[6], new byte[0], new byte[0],
                new byte[0], new byte[0]);
        ScapEvent e = process("PPME_SYSCALL_CLONE_20_X", r, ts, 0);
        return new ScapEvent(e.ts(), e.tid(), e.cpu(), e.type(), e.params(), STATE_ONLY);
    }

    /**
     * The system calls whose exits the probe passes ({@link io.boxscope.trace.filter.KernelFilter#syscalls}: null for
     * all) and whether it passes only failed exits ({@code failedOnly}): {@link #stateExec} asks whether a successful
     * exec's exit will come. Every call's, by default.
     */
    public void passedExits(java.util.Set<Integer> syscalls, boolean failedOnly) {
        this.passedSyscalls = syscalls;
        this.failedOnlyExits = failedOnly;
    }

    private java.util.Set<Integer> passedSyscalls;
    private boolean failedOnlyExits;

    /**
     * A state-only execve exit ({@code SCAP_DF_STATE_ONLY}) describing the new image of the thread of the exec record
     * {@code exec} from the thread table (comm, exe, args, cwd, cgroups, env, fdlimit, memory as the exit would carry
     * them), for an exec whose successful exit the capture will not see: execve and execveat outside a pushed-down
     * syscall set, or only failed exits pushed down. sinsp learns a new image only from the exit
     * (sinsp_parser::parse_execve_exit, libs e5c53d64); without it every later event of the thread keeps the old
     * name, exe, args and container, and {@code proc.name=NEW} drops them. Null when the exit will come: the probe
     * passes both exec calls' exits, or the call's entry was seen (it passes the same call's exit). Apply it before
     * the thread's next event; {@code -w} writes it, so {@code sysdig -r} names the new image too.
     */
    public ScapEvent stateExec(RawRecord exec) {
        if (!failedOnlyExits) {
            int execve = syscalls.number("execve");
            int execveat = syscalls.number("execveat");
            if (passedSyscalls == null || passes(execve) && passes(execveat)) {
                return null;
            }
            RawRecord entry = lastEnter.get(exec.tid());
            if (entry != null && entry.kind() == RawRecord.ENTER && (entry.id() == execve || entry.id() == execveat)
                    && passes((int) entry.id())) {
                return null;
            }
        }
        TaskInfo t = threads.get(exec.tid());
        if (t == null) {
            return null;
        }
        RawRecord r = new RawRecord(RawRecord.EXIT, exec.cpu(), exec.ts(), t.pid(), exec.tid(), syscalls.number("execve"),
                0, new long[6], new byte[0], new byte[0], new byte[0], new byte[0]);
        ScapEvent e = process("PPME_SYSCALL_EXECVE_19_X", r, exec.ts() + epochOffset, 0);
        return new ScapEvent(e.ts(), e.tid(), e.cpu(), e.type(), e.params(), STATE_ONLY);
    }

    private boolean passes(int nr) {
        return nr < 0 || passedSyscalls.contains(nr); // a call this architecture lacks is never made
    }

    /** libscap's SCAP_DF_STATE_ONLY dump flag. */
    static final int STATE_ONLY = 1;

    private static byte[] nulJoined(List<String> items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String s : items) {
            out.writeBytes(io.boxscope.proc.RawText.encode(s)); // the kernel's bytes (RawText)
            out.write(0);
        }
        return out.toByteArray();
    }
}
