package io.boxscope.trace.scap;

import io.boxscope.proc.container.ContainerRecognizer;
import io.boxscope.proc.container.ContainerRef;
import io.boxscope.trace.filter.FieldRef;
import io.boxscope.trace.filter.FieldSource;
import io.boxscope.trace.filter.Value;

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
    // package-private: the field classes of this package (FdFields, ContainerFields) read the event's state here
    final EventFormatter fmt;
    final Inspector inspector;
    ScapEvent e;
    EventInfo info;
    Inspector.Thread t;
    /** The fd the event is about (see {@link #resolveFd}), known once {@link #fdKnown}. */
    Inspector.Fd fd;
    /** A failed connect's exit: sysdig names its fd after the tuple (extract_fdname_from_creator). */
    boolean failedConnect;
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
    final java.util.function.Function<ContainerRef, io.boxscope.proc.container.ContainerInfo> containers;

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

    /** Works out {@link #fd} and {@link #failedConnect} from the state as it is now (the event just applied). */
    private void resolveFd() {
        fdKnown = true;
        int kind = EventKinds.flags(e.type());
        // a failed connect's fd: sysdig shows the name its enter gave it. A call that failed to create an fd
        // has none: its enter left the last-event fd at -1 (Inspector.eventFd)
        this.failedConnect = info != null && (kind & EventKinds.ENTER) == 0 && (kind & EventKinds.CONNECT) != 0 && EventFields.failed(e);
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
                return fd != null && !failedConnect ? fd.name() : FdFields.creatorName(this);
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
            case EVT_LATENCY -> num(EventFields.latency(e, info, t));
            case EVT_DIR -> text(String.valueOf(info.direction()));
            case EVT_TYPE -> text(EventFormatter.typeName(e));
            case EVT_AROUND -> num(e.ts()); // the event's time, which Filter compares with evt.around's window
            case SYSCALL_TYPE -> text(SyscallFields.syscallType(e, info));
            case EVT_CATEGORY -> text(EventFields.category(e, info, fd));
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
            case THREAD_CPU, THREAD_CPU_USER, THREAD_CPU_SYSTEM -> t == null ? null : EventFields.threadCpu(inspector, e, info, t, ref);
            // m_category is set only for a container whose description has health probes: trace -w's have none
            case PROC_IS_CONTAINER_HEALTHCHECK, PROC_IS_CONTAINER_LIVENESS_PROBE, PROC_IS_CONTAINER_READINESS_PROBE ->
                    t == null ? null : new Value.Bool(false);
            case CONTAINER_PRIVILEGED, CONTAINER_MOUNTS -> ContainerFields.state(this, ref.field());
            case CONTAINER_MOUNT, CONTAINER_MOUNT_SOURCE, CONTAINER_MOUNT_DEST, CONTAINER_MOUNT_MODE, CONTAINER_MOUNT_RDWR,
                    CONTAINER_MOUNT_PROPAGATION -> ContainerFields.mount(this, ref);
            case EVT_ARG -> EventFields.arg(fmt, e, info, ref);
            case EVT_RAWARG -> EventFields.rawarg(e, info, ref);
            case EVT_BUFLEN -> EventFields.buflen(e, info, fd);
            case EVT_RES -> {
                String r = EventFormatter.result(e);
                yield r.equals("<NA>") ? null : text(r);
            }
            case EVT_RAWRES -> {
                Long r = EventFields.rawres(e);
                yield r == null ? null : num(r);
            }
            case EVT_FAILED -> new Value.Bool(EventFields.failed(e));
            case EVT_IS_IO -> new Value.Bool(info.flags().contains("EF_READS_FROM_FD") || info.flags().contains("EF_WRITES_TO_FD"));
            case EVT_IS_IO_READ -> new Value.Bool(info.flags().contains("EF_READS_FROM_FD"));
            case EVT_IS_IO_WRITE -> new Value.Bool(info.flags().contains("EF_WRITES_TO_FD"));
            // filterchecks.cpp TYPE_TYPE_IS, TYPE_BUFFER, TYPE_IODIR, TYPE_ISWAIT, TYPE_WAIT_LATENCY (the thread's
            // m_latency: evt.latency), TYPE_ISSYSLOG, TYPE_ABSPATH (libs e5c53d64; CallFields)
            case EVT_TYPE_IS -> num(CallFields.typeIs(e, ref));
            case EVT_BUFFER -> CallFields.buffer(e, info);
            case EVT_IO_DIR -> text(CallFields.ioDir(info));
            case EVT_IS_WAIT -> new Value.Bool(CallFields.isWait(info));
            case EVT_WAIT_LATENCY -> CallFields.isWait(info) && !info.isEnter() ? num(EventFields.latency(e, info, t)) : null;
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
            case EVT_IS_OPEN_READ -> new Value.Bool((EventFields.openFlags(e, info) & 1) != 0);
            case EVT_IS_OPEN_WRITE -> new Value.Bool((EventFields.openFlags(e, info) & 2) != 0);
            case EVT_IS_OPEN_EXEC -> new Value.Bool(SyscallFields.isOpenExec(e, info));
            case PROC_PID -> t == null ? null : num(t.pid());
            // a thread the tables did not list is get_thread_ref's fake entry, whose comm and exe are the
            // string "<NA>": a value (sysdig -j prints "<NA>", a -p line without * is printed), not a missing field
            case PROC_EXE -> t == null ? null : text(t.comm() == null && t.exe() == null ? "<NA>" : t.exe());
            case PROC_NAME -> t == null ? null : text(t.comm() == null ? "<NA>" : t.comm());
            // the fake entry has no args and an empty exepath (std::strings: "", never missing), and
            // populate_cmdline starts from its comm: proc.args "", proc.cmdline "<NA>", proc.exepath ""
            case PROC_ARGS -> t == null ? null : text(String.join(" ", t.args()));
            case PROC_CMDLINE -> t == null ? null : text(ProcessFields.cmdline(t));
            case PROC_CWD -> t == null ? null : text(ScapPaths.cwdOf(t)); // get_cwd: with its final /, "" unknown
            case PROC_PPID -> {
                Inspector.Thread main = ProcessFields.main(inspector, t);
                // filterchecks.cpp TYPE_PPID returns m_ptid as it is: -1 for sinsp's entry of an unlisted thread
                yield main == null ? null : num(main.ptid());
            }
            case PROC_PNAME -> {
                Inspector.Thread p = ProcessFields.parent(inspector, t);
                yield p == null ? null : text(p.comm());
            }
            case PROC_APID -> {
                Inspector.Thread a = ProcessFields.ancestor(inspector, t, ref.index() == null ? 1 : ref.index());
                yield a == null ? null : num(a.pid());
            }
            case PROC_ANAME -> {
                Inspector.Thread a = ProcessFields.ancestor(inspector, t, ref.index() == null ? 1 : ref.index());
                // get_thread_ref's entry for a thread nobody listed has the comm "<NA>" (as proc.name)
                yield a == null ? null : text(a.comm() == null ? "<NA>" : a.comm());
            }
            // filterchecks.cpp (libs e5c53d64): the fd limit is the main thread's (get_fd_limit; a main thread the
            // table lacks is sinsp's fake entry, limit -1), the memory sizes the thread's own, the thread.* ones 0 on
            // a thread that is not its process's main thread
            case PROC_FDLIMIT -> {
                if (!filtering) {
                    inspector.settleFdLimit(); // a filter kept the fd-limit call, or none asked: sinsp parsed it
                }
                yield t == null ? null : num(ProcessFields.fdLimit(inspector, t));
            }
            // TYPE_FDUSAGE: get_fd_usage_pct_d, the open count over the (main thread's) limit
            case PROC_FDUSAGE -> t == null ? null : text(SyscallFields.fdUsage(((Value.Num) get(FDOPENCOUNT)).value(),
                    ((Value.Num) get(FDLIMIT)).value()));
            // TYPE_EXECTIME/TYPE_TOTEXECTIME (sinsp_filtercheck_thread.cpp): on a switch event the time since the
            // last switch on its CPU that this field occurrence saw, charged to the event's thread (the one leaving)
            case THREAD_EXECTIME -> num(EventFields.isSwitch(info) ? inspector.sinceLastSwitch(ref, e.cpu(), e.ts()) : 0);
            case THREAD_TOTEXECTIME -> {
                long add = EventFields.isSwitch(info) ? inspector.sinceLastSwitch(ref, e.cpu(), e.ts()) : 0;
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
                Inspector.Thread p = ProcessFields.parent(inspector, t);
                yield p == null ? null : text(ProcessFields.cmdline(p));
            }
            case PROC_LOGINSHELLID -> t == null ? null : numOrNull(ProcessFields.loginShellId(inspector, t));
            // TYPE_DURATION: since the clone the capture saw (m_clone_ts), none for a thread made before it
            case PROC_DURATION -> t == null || t.cloneTs() == 0 ? null : num(e.ts() - t.cloneTs());
            case PROC_FDOPENCOUNT -> t == null ? null : num(ProcessFields.fdOpenCount(inspector, t,
                    !info.isEnter() && info.name().equals("close") && !EventFields.failed(e) && inspector.eventFd(e) != null ? t.lastEventFd() : -1));
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
            case CONTAINER_ID -> ContainerFields.id(this);
            case CONTAINER_NAME -> ContainerFields.name(this);
            case CONTAINER_TYPE -> ContainerFields.type(this);
            case CONTAINER_IMAGE -> ContainerFields.image(this);
            case CONTAINER_IMAGE_ID, CONTAINER_IMAGE_REPOSITORY, CONTAINER_IMAGE_TAG -> ContainerFields.imagePart(this, ref.field());
            case FD_NUM -> {
                Long n = fdNum();
                yield n == null ? null : num(n);
            }
            case FD_TYPE -> fd == null || fdNum() == null ? null : text(FdFields.typeName(fd.type()));
            case FD_TYPECHAR -> fdNum() == null ? null : text(String.valueOf(fd != null ? fd.type().typeChar() : FdFields.creatorTypeChar(info)));
            case FD_NAME -> fdNum() == null ? null : fd != null && !failedConnect ? text(fd.name()) : text(FdFields.creatorName(this));
            case FD_DIRECTORY -> fdNum() == null ? null : FdFields.directory(this);
            case FD_FILENAME -> fdNum() == null || fd == null ? null : FdFields.filename(fd);
            case FD_CIP -> FdFields.socket(this, 0);
            case FD_SIP -> FdFields.sip(this);
            case FD_LIP -> FdFields.socket(this, FdFields.local(this) ? 0 : 1);
            case FD_RIP -> FdFields.socket(this, FdFields.local(this) ? 1 : 0);
            case FD_CPORT -> FdFields.cport(this);
            case FD_SPORT -> FdFields.sport(this);
            case FD_LPORT -> FdFields.port(this, FdFields.local(this) ? 0 : 1);
            case FD_RPORT -> FdFields.port(this, FdFields.local(this) ? 1 : 0);
            // filterchecks.cpp TYPE_CLIENTPROTO/SERVERPROTO/LPROTO/RPROTO (libs e5c53d64): port_to_string of the
            // port, which without name resolution (sysdig -r's default) is the number (FdFields.cproto, sproto)
            case FD_CPROTO -> FdFields.cproto(this);
            case FD_SPROTO -> FdFields.sproto(this);
            case FD_LPROTO -> FdFields.portText(FdFields.port(this, FdFields.local(this) ? 0 : 1));
            case FD_RPROTO -> FdFields.portText(FdFields.port(this, FdFields.local(this) ? 1 : 0));
            case FD_L4PROTO -> fd == null || fdNum() == null ? null : FdFields.l4proto(fd);
            case FD_SOCKFAMILY -> fd == null || fdNum() == null ? null : FdFields.sockfamily(fd);
            // TYPE_UID: the thread's tid, then its last-event fd, as decimal text
            case FD_UID -> {
                Long n = fdNum();
                yield n == null ? null : text(Long.toString(t.tid()) + n);
            }
            // TYPE_CONTAINERNAME / TYPE_CONTAINERDIRECTORY: the thread's m_container_id ("" on the host), ':' and
            // fd.name / fd.directory, no value where those have none
            case FD_CONTAINERNAME, FD_CONTAINERDIRECTORY -> {
                Value v = get(ref.field() == io.boxscope.trace.filter.Field.FD_CONTAINERNAME ? FDNAME : FDDIRECTORY);
                ContainerRef c = ContainerFields.container(this);
                yield v instanceof Value.Text s ? text((c == null || c.isHost() ? "" : c.shortId()) + ":" + s.value()) : null;
            }
            case FDLIST_NUMS, FDLIST_NAMES, FDLIST_CIPS, FDLIST_SIPS, FDLIST_CPORTS, FDLIST_SPORTS ->
                    text(CallFields.fdlist(e, info, t, ref.field()));
            case FD_IS_SERVER -> fd == null || fdNum() == null ? null : new Value.Bool(FdFields.isServer(this));
            // TYPE_IS_CONNECTED (libs e5c53d64 filterchecks.cpp): the entry's FLAGS_SOCKET_CONNECTED (Inspector.Fd)
            case FD_CONNECTED -> fd == null || fdNum() == null ? null : new Value.Bool(fd.connected());
            // TYPE_NAME_CHANGED (libs e5c53d64): the event's flag, which process_event sets after the filter ran
            // (parsers.cpp: a filter sees the value reset() left, false), on an event with an fd entry
            case FD_NAME_CHANGED -> fd == null || fdNum() == null ? null
                    : new Value.Bool(!filtering && inspector.eventFdRenamed());
            // TYPE_CLIENTIP_NAME ... TYPE_RIP_NAME: the name a filter resolved to the address the address field gives
            // (the same socket types and roles), else no value (sinsp_dns_manager::name_of: no reverse lookup)
            case FD_CIP_NAME, FD_SIP_NAME, FD_LIP_NAME, FD_RIP_NAME -> {
                Value a = get(FieldRef.of(FdFields.addressOf(ref.field())));
                String name = a instanceof Value.Addr addr ? inspector.hostNames().nameOf(addr.bytes()) : null;
                yield name == null ? null : text(name);
            }
            // TYPE_DEV, TYPE_DEV_MAJOR, TYPE_DEV_MINOR (fdinfo.h get_device_major/minor: the old 8+8+12 encoding)
            case FD_DEV -> fd == null || fdNum() == null ? null : num(fd.dev());
            case FD_DEV_MAJOR -> fd == null || fdNum() == null ? null : num((fd.dev() & 0xfff00) >>> 8);
            case FD_DEV_MINOR -> fd == null || fdNum() == null ? null : num((fd.dev() & 0xff) | ((fd.dev() >>> 12) & 0xfff00));
            // filter-only fields: Filter compares the fields they stand for and never asks for them
            case FD_IP, FD_PORT, FD_PROTO, FD_NET, FD_CNET, FD_SNET, FD_LNET, FD_RNET -> null;
        };
    }

    /**
     * sinsp_filter_check_fd::compare_domain (libs e5c53d64 filterchecks.cpp): only an IPv4 or IPv6 socket with a role
     * (not a server socket: a listening one, one bound during the capture) is compared; its address the field names
     * against the names, resolved in order until one holds it ({@link HostNames#match}).
     */
    @Override
    public Boolean hostNameMatch(FieldRef ref, List<String> names) {
        if (info == null || fdNum() == null) {
            return null;
        }
        if (!fdKnown) {
            resolveFd();
        }
        if (fd == null || (fd.type() != FdType.IPV4_SOCK && fd.type() != FdType.IPV6_SOCK) || FdFields.serverSocket(this)) {
            return null;
        }
        if (!(get(FieldRef.of(FdFields.addressOf(ref.field()))) instanceof Value.Addr addr)) {
            return null;
        }
        for (String n : names) {
            if (inspector.hostNames().match(n, addr.bytes())) {
                return true;
            }
        }
        return false;
    }

    /** Marks the fields as asked by a filter (true) or by a format (false): see {@link #filtering}. */
    public ScapFields filtering(boolean on) {
        this.filtering = on;
        return this;
    }

    /**
     * {@code filter}'s verdict on this event, the fields marked as a filter's meanwhile ({@link #filtering}): sinsp runs
     * the filter before the end of process_event, so fd.name_changed is false to it and a write's syslog fields absent;
     * a dropped event is told to the inspector (sinsp does not parse what its filter drops first, unless the event has
     * EF_MODIFIES_STATE). One rule for live captures and {@code -r}.
     */
    public boolean kept(io.boxscope.trace.filter.Filter filter) {
        try {
            boolean kept = filter.matches(filtering(true));
            if (!kept) {
                inspector().filteredOut();
            }
            return kept;
        } finally {
            filtering(false);
        }
    }

    /** The syslog message the decoder holds for this event, or null (a filter before the parse sees none). */
    private SyslogFields.Message syslog() {
        return filtering && !info.flags().contains("EF_MODIFIES_STATE") ? null : SyslogFields.decode(e, info, fd);
    }

    private static final FieldRef FDNAME = FieldRef.of(io.boxscope.trace.filter.Field.FD_NAME);
    private static final FieldRef FDDIRECTORY = FieldRef.of(io.boxscope.trace.filter.Field.FD_DIRECTORY);
    private static final FieldRef FDOPENCOUNT = FieldRef.of(io.boxscope.trace.filter.Field.PROC_FDOPENCOUNT);
    private static final FieldRef FDLIMIT = FieldRef.of(io.boxscope.trace.filter.Field.PROC_FDLIMIT);

    /**
     * evt.count.error (filterchecks.cpp extract_error_count): the event's res is negative, or it is the exit of an
     * fd-creating event whose fd is ({@link EventFields#errorCount}).
     */
    public boolean errorCount() {
        return info != null && EventFields.errorCount(e);
    }

    /** evt.count.error.FILE/NET/MEMORY/OTHER: {@link #errorCount()} and the kind {@link SyscallFields#errorIn} gives. */
    public boolean errorCount(SyscallFields.ErrorKind kind) {
        if (!errorCount()) {
            return false;
        }
        if (!fdKnown) {
            resolveFd();
        }
        return SyscallFields.errorIn(kind, info, fd, EventFields.category(e, info, fd).equals("memory"));
    }

    static Value text(String s) {
        return s == null ? null : new Value.Text(s);
    }

    static Value num(long n) {
        return new Value.Num(n);
    }

    private static Value numOrNull(Long n) {
        return n == null ? null : new Value.Num(n);
    }

    /**
     * The container a thread's cgroups ({@code subsys=path} entries, as the clone and execve exits and the
     * file's process list carry them) put it in: the first path proc's {@link ContainerRecognizer} recognizes,
     * else the host.
     */
    public static ContainerRef containerOf(java.util.List<String> cgroups) {
        return ContainerFields.containerOf(cgroups);
    }

    /**
     * fd.num (filterchecks.cpp TYPE_FDNUM): for an event that uses, creates or destroys an fd, the thread's
     * last-event fd ({@link Inspector.Thread#lastEventFd}), whether or not the event carries an fd of its own;
     * for a thread-table row ({@link #withFd}) the row's fd.
     */
    Long fdNum() {
        int kind = EventKinds.flags(e.type());
        if ((kind & (EventKinds.USES_FD | EventKinds.CREATES_FD | EventKinds.DESTROYS_FD)) == 0 || t == null) {
            return null;
        }
        return tableFd != null ? e.num(0) : t.lastEventFd();
    }

    /** For tests and -v: the values a list of fields has for this event. */
    List<Value> values(List<FieldRef> refs) {
        return refs.stream().map(this::get).toList();
    }
}
