package io.boxscope.trace.scap;

import io.boxscope.proc.container.ContainerRecognizer;
import io.boxscope.proc.container.ContainerRef;
import io.boxscope.trace.filter.FieldRef;
import io.boxscope.trace.filter.FieldSource;
import io.boxscope.trace.filter.Value;

import java.util.Arrays;
import java.util.List;

/**
 * The filter's view of one event read from a capture file: every field of the catalogue
 * ({@link io.boxscope.trace.filter.Field}) answered from the event and the {@link Inspector}'s state
 * after the event was applied, as sysdig 0.29 evaluates a filter after parsing the event
 * (userspace/libsinsp/filterchecks.cpp). A field the file has no value for is null (absent), per the
 * {@link FieldSource} contract: an event without an fd has no {@code fd.*}, a thread the file never
 * described has no {@code proc.exe}.
 *
 * <p>Make one per event, right after {@link EventFormatter#next}; it reads the state as it is then.
 */
public final class ScapFields implements FieldSource {
    private final EventFormatter fmt;
    private final Inspector inspector;
    private ScapEvent e;
    private EventInfo info;
    private Inspector.Thread t;
    /** The fd the event is about (see {@link #resolveFd}), known once {@link #fdKnown}. */
    private Inspector.Fd fd;
    /** A failed connect's exit: sysdig names its fd after the tuple (extract_fdname_from_creator). */
    private boolean failedConnect;
    /**
     * Whether {@link #fd} and {@link #failedConnect} were worked out: only fd fields, evt.category and evt.buflen
     * need them, and a filter on evt.type or proc.name rejects most events of a file without asking.
     */
    private boolean fdKnown;
    /**
     * Whether a filter is asking: sysdig filters an event that does not modify state (no EF_MODIFIES_STATE) before
     * parsing it (parsers.cpp process_event), so the syslog decoder has not seen that write yet ({@link #syslog}).
     */
    private boolean filtering;
    /** The fd a thread-table listing gives (withFd), or null. */
    private final Inspector.Fd tableFd;

    /** Names and images of running containers (live capture), or null when reading a file. */
    private final java.util.function.Function<ContainerRef, io.boxscope.proc.container.ContainerInfo> containers;

    public ScapFields(EventFormatter fmt, Inspector inspector, ScapEvent e) {
        this(fmt, inspector, e, null);
    }

    /**
     * Fields of a live event: {@code containers} names the containers the runtimes know (a file carries no
     * container metadata this reader decodes, a live capture asks the runtimes).
     */
    public ScapFields(EventFormatter fmt, Inspector inspector, ScapEvent e,
                      java.util.function.Function<ContainerRef, io.boxscope.proc.container.ContainerInfo> containers) {
        this(fmt, inspector, e, containers, null);
    }

    private ScapFields(EventFormatter fmt, Inspector inspector, ScapEvent e,
                       java.util.function.Function<ContainerRef, io.boxscope.proc.container.ContainerInfo> containers,
                       Inspector.Fd tableFd) {
        this.containers = containers;
        this.fmt = fmt;
        this.inspector = inspector;
        this.e = e;
        this.info = e == null ? null : e.infoOrNull();
        this.t = e == null ? null : inspector.eventThread(e);
        this.tableFd = tableFd;
    }

    /**
     * Fields for a read loop that asks about one event at a time and keeps no fields past the next event (a
     * filter over a file): {@link #at} points them at each event in turn, with no object per event.
     */
    public static ScapFields reusable(EventFormatter fmt, Inspector inspector) {
        return new ScapFields(fmt, inspector, null, null, null);
    }

    /** This object, now the fields of {@code event} (just applied); only for fields made by {@link #reusable}. */
    public ScapFields at(ScapEvent event) {
        if (tableFd != null || containers != null) {
            throw new IllegalStateException("only fields made by ScapFields.reusable move from event to event");
        }
        this.e = event;
        this.info = event.infoOrNull();
        this.t = inspector.eventThread(event);
        this.fd = null;
        this.failedConnect = false;
        this.fdKnown = false;
        return this;
    }

    /** PPME_SCHEDSWITCH_6_E, the only event extract_exectime counts. */
    private boolean isSwitch() {
        return info.constant().equals("PPME_SCHEDSWITCH_6_E");
    }

    /** Works out {@link #fd} and {@link #failedConnect} from the state as it is now (the event just applied). */
    private void resolveFd() {
        fdKnown = true;
        int kind = EventKinds.flags(e.type());
        // a failed connect's fd: sysdig shows the name its enter gave it. A call that failed to create an fd
        // has none: its enter left the last-event fd at -1 (Inspector.eventFd)
        this.failedConnect = info != null && (kind & EventKinds.ENTER) == 0 && (kind & EventKinds.CONNECT) != 0 && failed();
        this.fd = tableFd != null ? tableFd : info == null ? null : inspector.eventFd(e);
    }

    /**
     * A number that decides {@code evt.type}: the event number, or for a generic event (PPME_GENERIC_E/X) 1024
     * plus its system call's number; -1 for an event outside the table. Two events with the same key have the
     * same evt.type, so a compiled filter decides an evt.type comparison once per key.
     */
    @Override
    public int typeKey() {
        if (info == null) {
            return -1;
        }
        int type = e.type();
        if (EventFormatter.isGeneric(info)) {
            long id = e.isNum(0) ? e.num(0) : -1;
            return id >= 0 && id < 1 << 20 ? 1024 + (int) id : type; // without a number it is the event's own name
        }
        return type;
    }

    /** proc.name and fd.name without a {@link Value} (the fields a filter asks of every event); others as {@link #get}. */
    @Override
    public String text(FieldRef ref) {
        if (info != null && ref.argName() == null && ref.index() == null) {
            if (ref.field() == io.boxscope.trace.filter.Field.PROC_NAME) {
                return t == null ? null : t.comm();
            }
            if (ref.field() == io.boxscope.trace.filter.Field.FD_NAME) {
                if (fdNum() == null) {
                    return null; // an event without an fd: no fd to work out (fdNum reads the event, not fd)
                }
                if (!fdKnown) {
                    resolveFd();
                }
                return fd != null && !failedConnect ? fd.name() : creatorName();
            }
        }
        return FieldSource.super.text(ref);
    }

    /** evt.buffer as formats print it: the data argument as -A/-x/-X ask, or null (CallFields#bufferText). */
    public String bufferText() {
        return info == null ? null : CallFields.bufferText(fmt, e, info);
    }

    /** The tables these fields read (the state after the event). */
    public Inspector inspector() {
        return inspector;
    }

    /**
     * The fields of thread {@code tid} using its fd {@code num} ({@code fd}), as sysdig evaluates a filter
     * over its thread table (lua_cbacks::get_thread_table: an event of that thread whose fd is that fd): the
     * proc, thread, user, fd and container fields answer; the event is a read enter at this event's time.
     */
    public ScapFields withFd(long tid, long num, Inspector.Fd fd) {
        ScapEvent fake = ScapEvent.builder("PPME_SYSCALL_READ_E", e.ts(), tid, e.cpu()).num(num).num(0).build();
        return new ScapFields(fmt, inspector, fake, containers, fd);
    }

    @Override
    public Value get(FieldRef ref) {
        if (info == null) {
            return null;
        }
        if (!fdKnown && (ref.field().fieldClass() == io.boxscope.trace.filter.FieldClass.FD
                || ref.field() == io.boxscope.trace.filter.Field.EVT_CATEGORY || ref.field() == io.boxscope.trace.filter.Field.EVT_BUFLEN
                || ref.field() == io.boxscope.trace.filter.Field.EVT_IS_SYSLOG
                || ref.field().fieldClass() == io.boxscope.trace.filter.FieldClass.SYSLOG
                || ref.field() == io.boxscope.trace.filter.Field.EVT_INFO)) {
            resolveFd();
        }
        return switch (ref.field()) {
            case EVT_NUM -> num(fmt.num());
            case EVT_TIME -> text(fmt.time(e.ts()));
            case EVT_LATENCY -> num(latency());
            case EVT_DIR -> text(String.valueOf(info.direction()));
            case EVT_TYPE -> text(EventFormatter.typeName(e));
            case EVT_AROUND -> num(e.ts()); // the event's time, which Filter compares with evt.around's window
            case SYSCALL_TYPE -> text(SyscallFields.syscallType(e, info));
            case EVT_CATEGORY -> text(category());
            case EVT_CPU -> num(e.cpu());
            case EVT_ARGS -> text(fmt.args(e));
            case EVT_INFO -> {
                // a /dev/log write's info line is the syslog decoder's (TYPE_INFO): sysdig 0.29 always has it
                SyslogFields.Message m = syslog();
                yield text(m != null ? m.infoLine() : fmt.args(e));
            }
            case EVT_PLUGINNAME, EVT_PLUGININFO -> null; // no plugin made the events of a capture file
            case SYSLOG_FACILITY_STR, SYSLOG_FACILITY, SYSLOG_SEVERITY_STR, SYSLOG_SEVERITY, SYSLOG_MESSAGE ->
                    SyslogFields.get(ref.field(), syslog());
            case THREAD_CPU, THREAD_CPU_USER, THREAD_CPU_SYSTEM -> t == null ? null : threadCpu(ref);
            // m_category is set only for a container whose description has health probes: trace -w's have none
            case PROC_IS_CONTAINER_HEALTHCHECK, PROC_IS_CONTAINER_LIVENESS_PROBE, PROC_IS_CONTAINER_READINESS_PROBE ->
                    t == null ? null : new Value.Bool(false);
            case CONTAINER_PRIVILEGED, CONTAINER_MOUNTS -> containerState(ref.field());
            case CONTAINER_MOUNT, CONTAINER_MOUNT_SOURCE, CONTAINER_MOUNT_DEST, CONTAINER_MOUNT_MODE, CONTAINER_MOUNT_RDWR,
                    CONTAINER_MOUNT_PROPAGATION -> mount(ref);
            case EVT_ARG -> arg(ref);
            case EVT_RAWARG -> rawarg(ref);
            case EVT_BUFLEN -> buflen();
            case EVT_RES -> {
                String r = EventFormatter.result(e);
                yield r.equals("<NA>") ? null : text(r);
            }
            case EVT_RAWRES -> {
                Long r = rawres();
                yield r == null ? null : num(r);
            }
            case EVT_FAILED -> {
                Long r = rawres();
                yield new Value.Bool(r != null && r < 0);
            }
            case EVT_IS_IO -> new Value.Bool(info.flags().contains("EF_READS_FROM_FD") || info.flags().contains("EF_WRITES_TO_FD"));
            case EVT_IS_IO_READ -> new Value.Bool(info.flags().contains("EF_READS_FROM_FD"));
            case EVT_IS_IO_WRITE -> new Value.Bool(info.flags().contains("EF_WRITES_TO_FD"));
            // filterchecks.cpp TYPE_TYPE_IS, TYPE_BUFFER, TYPE_IODIR, TYPE_ISWAIT, TYPE_WAIT_LATENCY (the thread's
            // m_latency: evt.latency), TYPE_ISSYSLOG, TYPE_ABSPATH (libs e5c53d64; CallFields)
            case EVT_TYPE_IS -> num(CallFields.typeIs(e, ref));
            case EVT_BUFFER -> CallFields.buffer(e, info);
            case EVT_IO_DIR -> text(CallFields.ioDir(info));
            case EVT_IS_WAIT -> new Value.Bool(CallFields.isWait(info));
            case EVT_WAIT_LATENCY -> CallFields.isWait(info) && !info.isEnter() ? num(latency()) : null;
            case EVT_IS_SYSLOG -> new Value.Bool(CallFields.isSyslog(info, fd));
            case EVT_ABSPATH -> {
                String path = CallFields.abspath(e, info, t, ref.argName());
                Long dirfd = path == null ? null : CallFields.abspathDirFd(e, info, ref.argName());
                if (dirfd != null) {
                    // extract_abspath sets evt->m_fdinfo = get_fd(dirfd): the fd fields read after it in the same
                    // format or filter see the directory (or, when the table lacks it, extract_fd's fallback to the
                    // thread's last-event fd), as sysdig 0.29 -j prints them
                    if (!fdKnown) {
                        resolveFd();
                    }
                    Inspector.Fd dir = t.fd(dirfd);
                    fd = dir != null ? dir : t.lastEventFd() != -1 ? t.fd(t.lastEventFd()) : null;
                }
                yield text(path);
            }
            // filterchecks.cpp TYPE_ISOPEN_READ/WRITE (libs e5c53d64): the flags of an open exit, an old openat's
            // enter, an openat or openat2 exit (PPM_O_RDONLY 1, PPM_O_WRONLY 2; O_RDWR is both); false elsewhere
            case EVT_IS_OPEN_READ -> new Value.Bool((openFlags() & 1) != 0);
            case EVT_IS_OPEN_WRITE -> new Value.Bool((openFlags() & 2) != 0);
            case EVT_IS_OPEN_EXEC -> new Value.Bool(SyscallFields.isOpenExec(e, info));
            case PROC_PID -> t == null ? null : num(t.pid());
            // a thread the tables did not list is get_thread_ref's fake entry, whose comm and exe are the
            // string "<NA>": a value (sysdig -j prints "<NA>", a -p line without * is printed), not a missing field
            case PROC_EXE -> t == null ? null : text(t.comm() == null && t.exe() == null ? "<NA>" : t.exe());
            case PROC_NAME -> t == null ? null : text(t.comm() == null ? "<NA>" : t.comm());
            // the fake entry has no args and an empty exepath (std::strings: "", never missing), and
            // populate_cmdline starts from its comm: proc.args "", proc.cmdline "<NA>", proc.exepath ""
            case PROC_ARGS -> t == null ? null : text(String.join(" ", t.args()));
            case PROC_CMDLINE -> t == null ? null : text(cmdline(t));
            case PROC_CWD -> t == null ? null : text(ScapPaths.cwdOf(t)); // get_cwd: with its final /, "" unknown
            case PROC_PPID -> {
                Inspector.Thread main = main(t);
                // filterchecks.cpp TYPE_PPID returns m_ptid as it is: -1 for sinsp's entry of an unlisted thread
                yield main == null ? null : num(main.ptid());
            }
            case PROC_PNAME -> {
                // TYPE_PNAME: get_thread_ref(tinfo->m_ptid), the thread's own parent (a thread's is the thread that
                // cloned it, so a thread of python3 started by its main thread has pname python3)
                Inspector.Thread p = t == null || t.ptid() < 0 ? null : inspector.thread(t.ptid());
                yield p == null ? null : text(p.comm());
            }
            case PROC_APID -> {
                Inspector.Thread a = ancestor(ref.index() == null ? 1 : ref.index());
                yield a == null ? null : num(a.pid());
            }
            case PROC_ANAME -> {
                Inspector.Thread a = ancestor(ref.index() == null ? 1 : ref.index());
                // get_thread_ref's entry for a thread nobody listed has the comm "<NA>" (as proc.name)
                yield a == null ? null : text(a.comm() == null ? "<NA>" : a.comm());
            }
            // filterchecks.cpp (libs e5c53d64): the fd limit is the main thread's (get_fd_limit; a main thread the
            // table lacks is sinsp's fake entry, limit -1), the memory sizes the thread's own, the thread.* ones 0 on
            // a thread that is not its process's main thread
            case PROC_FDLIMIT -> {
                Inspector.Thread m = t == null ? null : t.tid() == t.pid() ? t : inspector.thread(t.pid());
                yield t == null ? null : num(m == null ? -1 : m.fdlimit());
            }
            // TYPE_FDUSAGE: get_fd_usage_pct_d, the open count over the (main thread's) limit
            case PROC_FDUSAGE -> t == null ? null : text(SyscallFields.fdUsage(((Value.Num) get(FDOPENCOUNT)).value(),
                    ((Value.Num) get(FDLIMIT)).value()));
            // TYPE_EXECTIME/TYPE_TOTEXECTIME (sinsp_filtercheck_thread.cpp): on a switch event the time since the
            // last switch on its CPU that this field occurrence saw, charged to the event's thread (the one leaving)
            case THREAD_EXECTIME -> num(isSwitch() ? inspector.sinceLastSwitch(ref, e.cpu(), e.ts()) : 0);
            case THREAD_TOTEXECTIME -> {
                long add = isSwitch() ? inspector.sinceLastSwitch(ref, e.cpu(), e.ts()) : 0;
                if (t == null) {
                    yield null;
                }
                yield num(inspector.addExecTime(ref, t, add));
            }
            case PROC_ENV -> t == null ? null : text(ProcessFields.env(inspector, t));
            case PROC_EXELINE -> t == null ? null : text(ProcessFields.exeline(t));
            case PROC_NTHREADS -> t == null ? null : numOrNull(ProcessFields.nthreads(inspector, t));
            case PROC_NCHILDS -> t == null ? null : num(t.nchilds());
            case PROC_PCMDLINE -> {
                // TYPE_PCMDLINE: get_thread_ref(tinfo->m_ptid), the thread's own parent (a thread's is the thread
                // that cloned it), not the main thread's
                Inspector.Thread p = t == null || t.ptid() < 0 ? null : inspector.thread(t.ptid());
                yield p == null ? null : text(cmdline(p));
            }
            case PROC_LOGINSHELLID -> t == null ? null : numOrNull(ProcessFields.loginShellId(inspector, t));
            // TYPE_DURATION: since the clone the capture saw (m_clone_ts), none for a thread made before it
            case PROC_DURATION -> t == null || t.cloneTs() == 0 ? null : num(e.ts() - t.cloneTs());
            case PROC_FDOPENCOUNT -> t == null ? null : num(ProcessFields.fdOpenCount(inspector, t,
                    !info.isEnter() && info.name().equals("close") && !failed() && inspector.eventFd(e) != null ? t.lastEventFd() : -1));
            case THREAD_PFMAJOR -> t == null ? null : num(t.pfMajor());
            case THREAD_PFMINOR -> t == null ? null : num(t.pfMinor());
            case THREAD_CGROUPS -> t == null ? null : text(ProcessFields.cgroups(t));
            case THREAD_CGROUP -> t == null ? null : text(ProcessFields.cgroup(t, ref.argName()));
            case PROC_IS_EXE_WRITABLE -> t == null ? null : new Value.Bool(t.exeWritable());
            case PROC_VMSIZE -> t == null ? null : num(t.vmsizeKb());
            case PROC_VMRSS -> t == null ? null : num(t.vmrssKb());
            case PROC_VMSWAP -> t == null ? null : num(t.vmswapKb());
            case THREAD_VMSIZE -> t == null ? null : num(t.tid() == t.pid() ? t.vmsizeKb() : 0);
            case THREAD_VMRSS -> t == null ? null : num(t.tid() == t.pid() ? t.vmrssKb() : 0);
            case THREAD_TID -> num(e.tid());
            case THREAD_ISMAIN -> t == null ? null : new Value.Bool(t.tid() == t.pid());
            // filterchecks.cpp TYPE_VTID/TYPE_VPID: -1 (an unlisted thread, a clone exit that gave -1) is no value
            case THREAD_VTID -> t == null || t.vtid() == -1 ? null : num(t.vtid());
            case PROC_VPID -> t == null || t.vpid() == -1 ? null : num(t.vpid());
            case PROC_EXEPATH -> t == null ? null : text(t.exepath() == null ? "" : t.exepath());
            // filterchecks.cpp TYPE_SID, TYPE_SNAME, TYPE_TTY, TYPE_VPGID: the thread's own values (see ThreadSession)
            case PROC_SID -> t == null ? null : num(t.sid());
            case PROC_SNAME -> t == null ? null : text(SessionLeader.name(inspector, t));
            case PROC_TTY -> t == null ? null : num(t.tty());
            case PROC_VPGID -> t == null ? null : num(t.vpgid());
            // sinsp's entry of a thread nobody listed has uid and gid 0xffffffff, which user.uid and group.gid print
            // (sysdig -r: 4294967295); only the names have no value then (get_user/get_group find none)
            case USER_UID -> t == null ? null : num(t.uid() < 0 ? 0xffffffffL : t.uid());
            case USER_NAME -> t == null || t.uid() < 0 ? null : text(inspector.user((int) t.uid()));
            // TYPE_LOGINUID / TYPE_LOGINNAME (libs e5c53d64): sinsp::get_user has no user 0xffffffff
            // TYPE_HOMEDIR / TYPE_SHELL: the user list's entry of the thread's uid, none when the list lacks it
            case USER_HOMEDIR -> {
                UserInfo u = t == null || t.uid() < 0 ? null : inspector.userInfo((int) t.uid());
                yield u == null ? null : text(u.home());
            }
            case USER_SHELL -> {
                UserInfo u = t == null || t.uid() < 0 ? null : inspector.userInfo((int) t.uid());
                yield u == null ? null : text(u.shell());
            }
            case USER_LOGINUID -> t == null ? null : num(t.loginuid());
            case USER_LOGINNAME -> t == null || t.loginuid() == -1 ? null : text(inspector.user(t.loginuid()));
            case GROUP_GID -> t == null ? null : num(t.gid() < 0 ? 0xffffffffL : t.gid());
            case GROUP_NAME -> t == null || t.gid() < 0 ? null : text(inspector.group((int) t.gid()));
            case CONTAINER_ID -> {
                ContainerRef c = container();
                yield c == null ? null : text(c.isHost() ? "host" : c.shortId());
            }
            case CONTAINER_NAME -> {
                ContainerRef c = container();
                if (c == null) {
                    yield null;
                }
                if (c.isHost()) {
                    yield text("host");
                }
                // a file's container events name it (none: no name, as in sysdig); live, the runtimes do
                Inspector.Container known = inspector.container(c.shortId());
                if (known != null) {
                    yield text(known.name());
                }
                var live = containers == null ? null : containers.apply(c);
                yield live == null ? null : text(live.name());
            }
            case CONTAINER_TYPE -> {
                ContainerRef c = container();
                yield c == null ? null : text(c.runtime().label());
            }
            case CONTAINER_IMAGE -> {
                ContainerRef c = container();
                if (c == null || c.isHost()) {
                    yield null;
                }
                Inspector.Container known = inspector.container(c.shortId());
                if (known != null) {
                    yield text(known.image());
                }
                var live = containers == null ? null : containers.apply(c);
                yield live == null ? null : text(live.image());
            }
            case CONTAINER_IMAGE_ID, CONTAINER_IMAGE_REPOSITORY, CONTAINER_IMAGE_TAG -> imagePart(ref.field());
            case FD_NUM -> {
                Long n = fdNum();
                yield n == null ? null : num(n);
            }
            case FD_TYPE -> fd == null || fdNum() == null ? null : text(fdTypeName(fd.type()));
            case FD_TYPECHAR -> fdNum() == null ? null : text(String.valueOf(fd != null ? fd.type().typeChar() : creatorTypeChar()));
            case FD_NAME -> fdNum() == null ? null : fd != null && !failedConnect ? text(fd.name()) : text(creatorName());
            case FD_DIRECTORY -> fdNum() == null ? null : directory();
            case FD_FILENAME -> fdNum() == null || fd == null ? null : filename();
            case FD_CIP -> socket(0);
            case FD_SIP -> boundServer() != null ? new Value.Addr(boundServer().sip()) : socket(1);
            case FD_LIP -> socket(local() ? 0 : 1);
            case FD_RIP -> socket(local() ? 1 : 0);
            case FD_CPORT -> fd != null && fdNum() != null && ((fd.type() == FdType.UNIX_SOCK && fd.name().contains("->"))
                    || boundServer() != null)
                    ? num(0) // a unix socket with a role: sysdig's client port falls through to an empty protocol string
                    : port(0);
            case FD_SPORT -> listening() != null ? num(listening().sport())
                    : boundServer() != null ? num(boundServer().sport()) : port(1);
            case FD_LPORT -> port(local() ? 0 : 1);
            case FD_RPORT -> port(local() ? 1 : 0);
            // filterchecks.cpp TYPE_CLIENTPROTO/SERVERPROTO/LPROTO/RPROTO (libs e5c53d64): port_to_string of the
            // port, which without name resolution (sysdig -r's default) is the number; a unix socket with a role
            // gives "" for the client's, a listening socket "" for the server's
            case FD_CPROTO -> fd != null && fdNum() != null && ((fd.type() == FdType.UNIX_SOCK && fd.name().contains("->"))
                    || boundServer() != null)
                    ? text("") : portText(port(0));
            case FD_SPROTO -> fd != null && fdNum() != null && (fd.type() == FdType.IPV4_SERVSOCK || fd.type() == FdType.IPV6_SERVSOCK
                    || boundServer() != null)
                    ? text("") : portText(port(1));
            case FD_LPROTO -> portText(port(local() ? 0 : 1));
            case FD_RPROTO -> portText(port(local() ? 1 : 0));
            case FD_L4PROTO -> fd == null || fdNum() == null ? null : switch (fd.l4proto()) {
                case 2 -> text("tcp");
                case 3 -> text("udp");
                case 4 -> text("icmp");
                case 5 -> text("raw");
                default -> null;
            };
            case FD_SOCKFAMILY -> fd == null || fdNum() == null ? null : switch (fd.type()) {
                case IPV4_SOCK, IPV6_SOCK, IPV4_SERVSOCK, IPV6_SERVSOCK -> text("ip");
                case UNIX_SOCK -> text("unix");
                default -> null;
            };
            // TYPE_UID: the thread's tid, then its last-event fd, as decimal text
            case FD_UID -> {
                Long n = fdNum();
                yield n == null ? null : text(Long.toString(t.tid()) + n);
            }
            // TYPE_CONTAINERNAME / TYPE_CONTAINERDIRECTORY: the thread's m_container_id ("" on the host), ':' and
            // fd.name / fd.directory, no value where those have none
            case FD_CONTAINERNAME, FD_CONTAINERDIRECTORY -> {
                Value v = get(ref.field() == io.boxscope.trace.filter.Field.FD_CONTAINERNAME ? FDNAME : FDDIRECTORY);
                ContainerRef c = container();
                yield v instanceof Value.Text s ? text((c == null || c.isHost() ? "" : c.shortId()) + ":" + s.value()) : null;
            }
            case FDLIST_NUMS, FDLIST_NAMES, FDLIST_CIPS, FDLIST_SIPS, FDLIST_CPORTS, FDLIST_SPORTS ->
                    text(CallFields.fdlist(e, info, t, ref.field()));
            case FD_IS_SERVER -> fd == null || fdNum() == null ? null : new Value.Bool(isServer());
            // TYPE_IS_CONNECTED (libs e5c53d64 filterchecks.cpp): the entry's FLAGS_SOCKET_CONNECTED (Inspector.Fd)
            case FD_CONNECTED -> fd == null || fdNum() == null ? null : new Value.Bool(fd.connected());
            // TYPE_DEV, TYPE_DEV_MAJOR, TYPE_DEV_MINOR (fdinfo.h get_device_major/minor: the old 8+8+12 encoding)
            case FD_DEV -> fd == null || fdNum() == null ? null : num(fd.dev());
            case FD_DEV_MAJOR -> fd == null || fdNum() == null ? null : num((fd.dev() & 0xfff00) >>> 8);
            case FD_DEV_MINOR -> fd == null || fdNum() == null ? null : num((fd.dev() & 0xff) | ((fd.dev() >>> 12) & 0xfff00));
            // filter-only fields: Filter compares the fields they stand for and never asks for them
            case FD_IP, FD_PORT, FD_PROTO, FD_NET, FD_CNET, FD_SNET, FD_LNET, FD_RNET -> null;
        };
    }

    /**
     * container.image.id, .repository and .tag (filterchecks.cpp TYPE_CONTAINER_IMAGE_ID/REPOSITORY/TAG, libs
     * e5c53d64): the container description's imageid, imagerepo and imagetag, no value when empty or on the host;
     * live, the repository and tag of the image the runtimes name ({@link ImageName}), no id.
     */
    /** Marks the fields as asked by a filter (true) or by a format (false): see {@link #filtering}. */
    public ScapFields filtering(boolean on) {
        this.filtering = on;
        return this;
    }

    /** The syslog message the decoder holds for this event, or null (a filter before the parse sees none). */
    private SyslogFields.Message syslog() {
        return filtering && !info.flags().contains("EF_MODIFIES_STATE") ? null : SyslogFields.decode(e, info, fd);
    }

    /**
     * thread.cpu, .user, .system (extract_thread_cpu): on a procinfo event only, the growth of cpu_usr, cpu_sys or
     * both since this use of the field last saw the thread's procinfo (0 the first time), at most 100.
     */
    private Value threadCpu(FieldRef ref) {
        if (!info.constant().equals("PPME_PROCINFO_E")) {
            return null;
        }
        long total = 0;
        io.boxscope.trace.filter.Field f = ref.field();
        if (f != io.boxscope.trace.filter.Field.THREAD_CPU_SYSTEM && e.value("cpu_usr").orElse(null) instanceof ParamValue.Num u) {
            total += u.value();
        }
        if (f != io.boxscope.trace.filter.Field.THREAD_CPU_USER && e.value("cpu_sys").orElse(null) instanceof ParamValue.Num k) {
            total += k.value();
        }
        long last = inspector.swapCpu(ref, t, total);
        double d = last == 0 ? 0 : Math.min(100.0, (double) (total - last));
        return text(String.format(java.util.Locale.ROOT, "%.1f", d));
    }

    /**
     * container.privileged and container.mounts (TYPE_CONTAINER_PRIVILEGED, TYPE_CONTAINER_MOUNTS): no value on the
     * host or for a container the file does not describe; privileged only for Docker-compatible runtimes (docker,
     * cri, containerd, cri-o, podman: is_docker_compatible); the mounts' to_string joined with commas.
     */
    private Value containerState(io.boxscope.trace.filter.Field f) {
        ContainerRef ref = container();
        if (ref == null || ref.isHost()) {
            return null;
        }
        Inspector.Container c = inspector.container(ref.shortId());
        if (c == null) {
            return null;
        }
        if (f == io.boxscope.trace.filter.Field.CONTAINER_MOUNTS) {
            return text(String.join(",", c.mounts().stream().map(Inspector.Mount::toString).toList()));
        }
        return switch (c.type()) {
            case 0, 6, 7, 8, 11 -> new Value.Bool(c.privileged());
            default -> null;
        };
    }

    /**
     * container.mount[ARG] and its parts (TYPE_CONTAINER_MOUNT, _SOURCE ... _PROPAGATION, libs e5c53d64): [N] the Nth
     * mount of the container's description (mount_by_idx: none past the end nor below 0), [GLOB] the first mount whose
     * source matches (mount_by_source, fnmatch), for container.mount.source the first whose destination does
     * (mount_by_dest); the whole mount as its to_string, or the part, rdwr as "true"/"false". No value on the host,
     * for a container the file does not describe, or when no mount matches.
     */
    private Value mount(FieldRef ref) {
        ContainerRef cref = container();
        if (cref == null || cref.isHost()) {
            return null;
        }
        Inspector.Container c = inspector.container(cref.shortId());
        if (c == null) {
            return null;
        }
        io.boxscope.trace.filter.Field f = ref.field();
        Inspector.Mount m = null;
        if (ref.index() != null) {
            m = ref.index() >= 0 && ref.index() < c.mounts().size() ? c.mounts().get(ref.index()) : null;
        } else {
            for (Inspector.Mount each : c.mounts()) {
                String path = f == io.boxscope.trace.filter.Field.CONTAINER_MOUNT_SOURCE ? each.dest() : each.source();
                if (io.boxscope.trace.filter.Glob.matches(ref.argName(), path)) {
                    m = each;
                    break;
                }
            }
        }
        if (m == null) {
            return null;
        }
        return text(f == io.boxscope.trace.filter.Field.CONTAINER_MOUNT_SOURCE ? m.source()
                : f == io.boxscope.trace.filter.Field.CONTAINER_MOUNT_DEST ? m.dest()
                : f == io.boxscope.trace.filter.Field.CONTAINER_MOUNT_MODE ? m.mode()
                : f == io.boxscope.trace.filter.Field.CONTAINER_MOUNT_RDWR ? Boolean.toString(m.rdwr())
                : f == io.boxscope.trace.filter.Field.CONTAINER_MOUNT_PROPAGATION ? m.propagation()
                : m.toString());
    }

    private Value imagePart(io.boxscope.trace.filter.Field f) {
        ContainerRef c = container();
        if (c == null || c.isHost()) {
            return null;
        }
        Inspector.Container known = inspector.container(c.shortId());
        boolean id = f == io.boxscope.trace.filter.Field.CONTAINER_IMAGE_ID;
        boolean repo = f == io.boxscope.trace.filter.Field.CONTAINER_IMAGE_REPOSITORY;
        String v;
        if (known != null) {
            v = id ? known.imageId() : repo ? known.imageRepo() : known.imageTag();
        } else {
            var live = containers == null ? null : containers.apply(c);
            ImageName n = id || live == null || live.image() == null ? null : ImageName.split(live.image());
            v = n == null ? null : repo ? n.repository() : n.tag();
        }
        return v == null || v.isEmpty() ? null : text(v);
    }

    private static final FieldRef FDNAME = FieldRef.of(io.boxscope.trace.filter.Field.FD_NAME);
    private static final FieldRef FDDIRECTORY = FieldRef.of(io.boxscope.trace.filter.Field.FD_DIRECTORY);
    private static final FieldRef FDOPENCOUNT = FieldRef.of(io.boxscope.trace.filter.Field.PROC_FDOPENCOUNT);
    private static final FieldRef FDLIMIT = FieldRef.of(io.boxscope.trace.filter.Field.PROC_FDLIMIT);

    /** evt.count.error.FILE/NET/MEMORY/OTHER: {@link #errorCount()} and the kind {@link SyscallFields#errorIn} gives. */
    public boolean errorCount(SyscallFields.ErrorKind kind) {
        if (!errorCount()) {
            return false;
        }
        if (!fdKnown) {
            resolveFd();
        }
        return SyscallFields.errorIn(kind, info, fd, category().equals("memory"));
    }

    private static Value text(String s) {
        return s == null ? null : new Value.Text(s);
    }

    private static Value num(long n) {
        return new Value.Num(n);
    }

    private static Value numOrNull(Long n) {
        return n == null ? null : new Value.Num(n);
    }

    /**
     * Nanoseconds since the thread's last enter event, for an exit; 0 for enter events and for a thread no enter
     * was seen of. As libsinsp's reset (parsers.cpp) keeps it: every enter stores its time
     * ({@code m_last_latency_entertime}) and every exit measures from it whatever the enter's type was, so an
     * exit whose own enter was dropped measures from the enter before it, as sysdig -r prints.
     */
    private long latency() {
        if (info.isEnter() || t == null || t.lastEnter() == null) {
            return 0;
        }
        return e.ts() - t.lastEnter().ts();
    }

    /**
     * sinsp_evt::get_category as filterchecks.cpp names it: a generic event's is its system call's; an I/O
     * event's is the kind of its fd ("unknown" for a generic one, which has no fd).
     */
    private String category() {
        boolean generic = info.id() == 0 || info.id() == 1;
        String cat = info.category();
        if (generic) {
            cat = e.params().isEmpty() || !(e.value(0) instanceof ParamValue.Num n) ? "UNKNOWN"
                    : EventTable.get().syscallCategory((int) n.value()).orElse("UNKNOWN");
        }
        return switch (cat) {
            case "IO_READ", "IO_WRITE", "IO_OTHER" -> fd == null || generic ? "unknown" : switch (fd.type()) {
                case FILE, FILE_V2, DIRECTORY -> "file";
                case IPV4_SOCK, IPV6_SOCK, IPV4_SERVSOCK, IPV6_SERVSOCK -> "net";
                case FIFO, UNIX_SOCK, EVENT, SIGNALFD, INOTIFY -> "ipc";
                case UNSUPPORTED, EVENTPOLL, TIMERFD, NETLINK, UNKNOWN -> "unknown";
            };
            case "IPC" -> "IPC";
            case "OTHER", "FILE", "NET", "MEMORY", "PROCESS", "SLEEP", "SYSTEM", "SIGNAL", "USER", "TIME", "WAIT",
                 "SCHEDULER", "INTERNAL" -> cat.toLowerCase(java.util.Locale.ROOT);
            default -> "unknown";
        };
    }

    /** fd.is_server: a listening socket, or a connected one whose server end is this machine's address. */
    private boolean isServer() {
        if (boundServer() != null) {
            return true;
        }
        return switch (fd.type()) {
            case IPV4_SERVSOCK, IPV6_SERVSOCK -> true;
            case IPV4_SOCK -> fd.ends() != null && isLocal(fd.ends().dip());
            case IPV6_SOCK -> isLocal(fd.ends() != null ? fd.ends().dip() : new byte[16]); // a new socket's is ::
            default -> false;
        };
    }

    /** The "res" parameter, or the fd an exit creates (TYPE_RESRAW, TYPE_FAILED), or null. */
    private Long rawres() {
        int i = rawresIndex();
        return e.isNum(i) ? e.num(i) : null;
    }

    /** Whether {@link #rawres()} is negative (no boxing: every event of a filtered read asks). */
    private boolean failed() {
        int i = rawresIndex();
        return e.isNum(i) && e.num(i) < 0;
    }

    /**
     * evt.count.error (filterchecks.cpp extract_error_count): the event's res is negative, or it is the exit of an
     * fd-creating event whose fd is.
     */
    public boolean errorCount() {
        if (info == null) {
            return false;
        }
        int type = e.type();
        int r = EventKinds.res(type);
        if (r >= 0 && e.isNum(r) && e.num(r) < 0) {
            return true;
        }
        int f = EventKinds.fd(type);
        return (EventKinds.flags(type) & (EventKinds.ENTER | EventKinds.CREATES_FD)) == EventKinds.CREATES_FD
                && f >= 0 && e.isNum(f) && e.num(f) < 0;
    }

    private int rawresIndex() {
        int type = e.type();
        int i = EventKinds.res(type);
        if (i < 0 && (EventKinds.flags(type) & (EventKinds.ENTER | EventKinds.CREATES_FD)) == EventKinds.CREATES_FD) {
            i = EventKinds.fd(type);
        }
        return i;
    }

    /** evt.buflen: the byte count of a successful I/O exit (extract_buflen), else absent. */
    private Value buflen() {
        if (fd == null || !info.category().startsWith("IO_") || info.isEnter()) {
            return null;
        }
        Long r = rawres();
        return r == null || r < 0 ? null : num(r);
    }

    private Value arg(FieldRef ref) {
        int i = ref.index() != null ? ref.index() : info.indexOf(ref.argName());
        if (i < 0 || i >= e.params().size()) {
            return null;
        }
        if (info.params().get(i).type() == ParamType.SYSCALLID && e.value(i) instanceof ParamValue.Num n) {
            return text(EventTable.get().syscallName((int) n.value()).orElse("<unknown>")); // printed as its name
        }
        String[] v = fmt.argument(e, i);
        return text(v[1].isEmpty() ? v[0] : v[1]);
    }

    private Value rawarg(FieldRef ref) {
        int i = info.indexOf(ref.argName());
        if (i < 0 || i >= e.params().size()) {
            return null;
        }
        return switch (e.value(i)) {
            case ParamValue.Num n -> ref.type().numeric() ? num(n.value()) : null;
            case ParamValue.Text s -> ref.type().kind() == io.boxscope.trace.filter.FieldType.Kind.STRING ? text(s.string()) : null;
            default -> null;
        };
    }

    /** The process's main thread (whose ptid is the process's parent), or the thread itself. */
    private Inspector.Thread main(Inspector.Thread th) {
        if (th == null) {
            return null;
        }
        Inspector.Thread m = inspector.thread(th.pid());
        return m != null ? m : th;
    }

    /** The PPM_O_* flags of an event evt.is_open_read/write look at, or 0. */
    private long openFlags() {
        return switch (info.constant()) {
            case "PPME_SYSCALL_OPEN_X", "PPME_SYSCALL_OPENAT_E", "PPME_SYSCALL_OPENAT_2_X", "PPME_SYSCALL_OPENAT2_X" -> {
                long flags = EventParams.num(e, "flags");
                yield flags == Long.MIN_VALUE ? 0 : flags;
            }
            default -> 0;
        };
    }

    /** The n-th ancestor (0 the process itself), as sinsp walks get_parent_thread, or null. */
    private Inspector.Thread ancestor(int n) {
        Inspector.Thread a = main(t);
        for (int i = 0; i < n && a != null; i++) {
            a = a.ptid() < 0 ? null : main(inspector.thread(a.ptid()));
        }
        return a;
    }

    private ContainerRef container() {
        if (t != null && t.describedContainer() != null) {
            Inspector.Container c = inspector.container(t.describedContainer());
            return new ContainerRef(runtime(c == null ? -1 : c.type()), t.describedContainer(), java.util.Optional.empty());
        }
        return t == null ? null : containerOf(t.cgroups());
    }

    /**
     * The runtime of sinsp_container_type's number (container_info.h: CT_DOCKER 0, CT_LXC 1, CT_CRI 6,
     * CT_CONTAINERD 7, CT_CRIO 8, CT_PODMAN 11); docker for a number Boxscope has no runtime for.
     */
    private static io.boxscope.proc.container.Runtime runtime(int type) {
        return switch (type) {
            case 1 -> io.boxscope.proc.container.Runtime.LXC;
            case 6 -> io.boxscope.proc.container.Runtime.KUBERNETES;
            case 7 -> io.boxscope.proc.container.Runtime.CONTAINERD;
            case 8 -> io.boxscope.proc.container.Runtime.CRIO;
            case 11 -> io.boxscope.proc.container.Runtime.PODMAN;
            default -> io.boxscope.proc.container.Runtime.DOCKER;
        };
    }

    /**
     * The container a thread's cgroups ({@code subsys=path} entries, as the clone and execve exits and the
     * file's process list carry them) put it in: the first path proc's {@link ContainerRecognizer} recognizes,
     * else the host.
     */
    public static ContainerRef containerOf(java.util.List<String> cgroups) {
        for (String cg : cgroups) {
            int eq = cg.indexOf('=');
            ContainerRef c = ContainerRecognizer.recognize(eq >= 0 ? cg.substring(eq + 1) : cg);
            if (!c.isHost()) {
                return c;
            }
        }
        return ContainerRef.HOST;
    }

    /**
     * fd.num (filterchecks.cpp TYPE_FDNUM): for an event that uses, creates or destroys an fd, the thread's
     * last-event fd ({@link Inspector.Thread#lastEventFd}), whether or not the event carries an fd of its own;
     * for a thread-table row ({@link #withFd}) the row's fd.
     */
    private Long fdNum() {
        int kind = EventKinds.flags(e.type());
        if ((kind & (EventKinds.USES_FD | EventKinds.CREATES_FD | EventKinds.DESTROYS_FD)) == 0 || t == null) {
            return null;
        }
        return tableFd != null ? e.num(0) : t.lastEventFd();
    }

    /** proc.cmdline (sinsp_threadinfo::populate_cmdline): comm, then each argument after a space; comm {@code <NA>} when unknown. */
    private static String cmdline(Inspector.Thread t) {
        String comm = t.comm() == null ? "<NA>" : t.comm();
        return t.args().isEmpty() ? comm : comm + " " + String.join(" ", t.args());
    }

    /** fd.directory (filterchecks.cpp TYPE_DIRECTORY): a file's directory, a directory itself. */
    private Value directory() {
        String name;
        if (fd == null) {
            name = creatorName();
            if (name == null) {
                return null;
            }
        } else if (fd.type() == FdType.DIRECTORY) {
            return text(fd.name());
        } else if (fd.type() == FdType.FILE || fd.type() == FdType.FILE_V2) {
            name = fd.name();
        } else {
            return null;
        }
        int pos = name.lastIndexOf('/');
        if (pos > 0) {
            return text(pos < name.length() - 1 ? name.substring(0, pos) : name);
        }
        return text("/");
    }

    /** fd.filename (TYPE_FILENAME): a file's last path component. */
    private Value filename() {
        if (fd.type() != FdType.FILE && fd.type() != FdType.FILE_V2) {
            return null;
        }
        String name = fd.name();
        int pos = name.lastIndexOf('/');
        if (pos < 0) {
            return text("/");
        }
        return text(pos < name.length() - 1 ? name.substring(pos + 1) : name);
    }

    /**
     * fd.name of an event whose fd sysdig has no entry for (extract_fdname_from_creator): nothing for an enter
     * event, the path or tuple an open, accept, creat or connect exit names, "" for others.
     */
    private String creatorName() {
        if (info.isEnter()) {
            return null;
        }
        return switch (info.name()) {
            case "open", "creat", "accept", "accept4", "connect" -> {
                if (e.params().size() < 2) {
                    yield "";
                }
                String[] v = fmt.argument(e, 1);
                yield v[1].isEmpty() ? v[0] : v[1];
            }
            case "openat", "openat2" -> {
                ScapEvent with = info.indexOf("name") >= 0 ? e : t == null ? null : t.lastEnter();
                if (with == null || t == null || with.info().isEmpty()) {
                    yield null;
                }
                EventInfo wi = with.info().get();
                int i = wi.indexOf("name");
                if (i < 0 || i >= with.params().size()) {
                    yield null;
                }
                String r = ScapPaths.resolve(t, with, wi.params().get(i));
                if (r != null) {
                    yield r;
                }
                if (!(with.value(i) instanceof ParamValue.Text s)) {
                    yield "";
                }
                // extract_fdname_from_creator joins the name onto the directory with concatenate_paths for an
                // absolute name too (libs e5c53d64 sinsp_filter_check_fd): "/a/b/../c/" is named "/a/c"
                byte[] b = s.bytes();
                yield b.length > 0 && b[0] == '/' ? ScapPaths.concatenate("", b) : s.string();
            }
            default -> "";
        };
    }

    /** fd.typechar of an event whose fd sysdig has no entry for: by the kind of call (TYPE_FDTYPECHAR). */
    private char creatorTypeChar() {
        return switch (info.name()) {
            case "open", "openat", "openat2", "creat" -> 'f';
            case "socket", "accept", "accept4" -> '4';
            case "pipe", "pipe2" -> 'p';
            case "eventfd" -> 'e';
            case "signalfd" -> 's';
            case "timerfd_create" -> 't';
            case "inotify_init" -> 'i';
            default -> 'o';
        };
    }

    private static String fdTypeName(FdType type) {
        return switch (type) {
            case FILE, FILE_V2 -> "file";
            case DIRECTORY -> "directory";
            case IPV4_SOCK, IPV4_SERVSOCK -> "ipv4";
            case IPV6_SOCK, IPV6_SERVSOCK -> "ipv6";
            case UNIX_SOCK -> "unix";
            case FIFO -> "pipe";
            case EVENT -> "event";
            case SIGNALFD -> "signalfd";
            case EVENTPOLL -> "eventpoll";
            case INOTIFY -> "inotify";
            case TIMERFD -> "timerfd";
            case NETLINK -> "netlink";
            case UNKNOWN, UNSUPPORTED -> "<NA>";
        };
    }

    /**
     * A client socket's endpoints (client = source of its tuple), or null while its role is not settled (filterchecks.cpp
     * answers fd.cip/sip/... of a socket without a role with no value: an IPv6 connection of the capture's fd list).
     */
    private SocketTuples.Endpoints ends() {
        if (failedConnect) {
            // a failed connect does not give the socket a role: what it had before, if anything
            Long n = fdNum();
            Inspector.Fd before = t == null || n == null ? null : t.fd(n);
            return before == null || before.ends() == null || before.name().isEmpty() ? null : before.ends();
        }
        if (fd == null || fd.ends() == null || fd.name().isEmpty() || fd.role() == Inspector.Fd.ROLE_NONE
                || (fd.type() != FdType.IPV4_SOCK && fd.type() != FdType.IPV6_SOCK)) {
            return null;
        }
        return fd.ends();
    }

    /** 0 the client's address, 1 the server's. */
    private Value socket(int which) {
        SocketTuples.Endpoints s = ends();
        return s == null ? null : new Value.Addr(which == 0 ? s.sip() : s.dip());
    }

    /** A port as the *proto fields print it (port_to_string without resolution), or null. */
    private static Value portText(Value port) {
        return port instanceof Value.Num n ? text(Long.toString(n.value())) : null;
    }

    private Value port(int which) {
        SocketTuples.Endpoints s = ends();
        return s == null ? null : num(which == 0 ? s.sport() : s.dport());
    }

    /**
     * A listening socket's address, as the process list gives it: sinsp's fd.sport of a server socket is its
     * port (sysdig 0.29 -r: a lsof filter fd.sport=80 keeps it, fd.sip=0.0.0.0 and fd.lport=80 do not); null for any other fd.
     */
    private SocketTuples.Endpoints listening() {
        if (fd != null && fdNum() != null && fd.type() == FdType.IPV6_SERVSOCK && fd.ends() != null) {
            // one that datagrams wrote over (SocketTuples.datagram): the port its memory still holds
            return SocketTuples.bound(fd);
        }
        if (fd == null || fdNum() == null || fd.ends() != null
                || (fd.type() != FdType.IPV4_SERVSOCK && fd.type() != FdType.IPV6_SERVSOCK)) {
            return null;
        }
        // named ADDRESS:PORT (EventFormatter.address) when the process list or bind named it
        int colon = fd.name().lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        String host = fd.name().substring(0, colon).replace("[", "").replace("]", "");
        try {
            int port = Integer.parseInt(fd.name().substring(colon + 1));
            if (!host.matches("[0-9a-fA-F.:]+")) {
                return null; // an address literal only: never a name lookup
            }
            byte[] ip = java.net.InetAddress.getByName(host).getAddress();
            return new SocketTuples.Endpoints(ip, port, ip, port);
        } catch (NumberFormatException | java.io.IOException e) {
            return null;
        }
    }

    /**
     * A socket bound to a port by the capture's bind (parse_bind_exit: SCAP_FD_IPV4_SERVSOCK/_IPV6_ with the server
     * role, kept here as an inet socket named ADDR:PORT, {@link SocketTuples#bound}): its address and port, which
     * filterchecks.cpp (libs e5c53d64) answers as fd.sip and fd.sport (the m_ipv4serverinfo/m_ipv6serverinfo), fd.cport
     * as 0 and fd.cproto/fd.sproto as "" (TYPE_CLIENTPORT falls through to TYPE_CLIENTPROTO's empty string for a server
     * socket), fd.is_server as true; null for any other fd (a listening socket of the capture's fd list has no role, so
     * sinsp gives it no fd.sip: {@link #listening}).
     */
    private SocketTuples.Endpoints boundServer() {
        if (fd == null || fdNum() == null || fd.role() != Inspector.Fd.ROLE_SERVER || failedConnect
                || (fd.type() != FdType.IPV4_SOCK && fd.type() != FdType.IPV6_SOCK
                    && !(fd.type() == FdType.IPV6_SERVSOCK && fd.ends() != null))) {
            return null;
        }
        return SocketTuples.bound(fd);
    }

    /** Whether the client address is this machine's (fd.lip/fd.lport then name the client end). */
    private boolean local() {
        SocketTuples.Endpoints s = ends();
        return s != null && isLocal(s.sip());
    }

    /**
     * sinsp_network_interfaces::is_ipv4addr_in_local_machine / is_ipv6addr_in_local_machine (ifinfo.cpp):
     * an IPv4 address equal to an interface's, an IPv6 address whose first 64 bits are an interface's
     * (so {@code ::} is local when the capture lists {@code ::1}). Containers' own addresses are not in
     * the file.
     */
    private boolean isLocal(byte[] addr) {
        for (InterfaceInfo i : inspector.interfaces()) {
            byte[] a = i.addr();
            if (addr.length == 4 && a.length == 4 && Arrays.equals(a, addr)) {
                return true;
            }
            if (addr.length == 16 && a.length == 16 && Arrays.equals(a, 0, 8, addr, 0, 8)) {
                return true;
            }
        }
        return false;
    }

    /** For tests and -v: the values a list of fields has for this event. */
    List<Value> values(List<FieldRef> refs) {
        return refs.stream().map(this::get).toList();
    }
}
