package io.boxscope.trace.chisel;

import io.boxscope.trace.output.EventView;
import io.boxscope.trace.scap.Inspector;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * lscontainers: the containers known at the first event that passes the filter (reading stops there): those
 * the file describes and those its threads' cgroups name, as
 * sysdig 0.29's {@code lscontainers.lua} prints its container table: type, image, name and id, each
 * column cut or padded by common.lua's extend_string to 15, 16, 20 and 13 characters, under a header and
 * a line of dashes. The type is named as libsinsp's chisel API names sinsp_container_type (chisel_api.cpp,
 * get_container_table: docker, lxc, libvirt-lxc, mesos, rkt, cri, containerd, cri-o, bpm, else unknown).
 * The containers come in the file's order; sysdig's come in its container map's hash order. The argument
 * {@code desc} (the Lua table dumped as a data structure) is not supported.
 */
final class LsContainers extends StreamChisel {
    private Inspector inspector;
    private final List<Inspector.Container> seen = new ArrayList<>();
    private boolean done;

    LsContainers(ChiselInfo info, List<String> args) {
        super(info, "");
        if (!args.isEmpty()) {
            throw new IllegalArgumentException("chisel " + info.name() + ": the argument desc (a Lua data structure) is not supported");
        }
    }

    @Override
    public void seen(EventView e, Consumer<String> out) {
        inspector = e.fields().inspector();
    }

    @Override
    public void event(EventView e, Consumer<String> out) {
        done = true;
        seen.addAll(table(e.fields().inspector()));
    }

    /**
     * libsinsp's container table as a file reader has it: the containers the file's container events
     * describe, and every container a known thread's cgroups name (the container manager adds those as it
     * resolves each thread, with no name or image).
     */
    static List<Inspector.Container> table(Inspector inspector) {
        java.util.Map<String, Inspector.Container> m = new java.util.LinkedHashMap<>();
        for (Inspector.Container c : inspector.containers()) {
            m.put(c.id(), c);
        }
        for (Inspector.Thread t : inspector.threads().values()) {
            var ref = io.boxscope.trace.scap.ScapFields.containerOf(t.cgroups());
            if (!ref.isHost()) {
                m.putIfAbsent(ref.shortId(), new Inspector.Container(ref.shortId(), "", "", switch (ref.runtime()) {
                    case DOCKER -> 0;
                    case LXC -> 1;
                    case KUBERNETES -> 6;
                    case CONTAINERD -> 7;
                    case CRIO -> 8;
                    case PODMAN, HOST -> -1;
                }, null, null, null));
            }
        }
        return List.copyOf(m.values());
    }

    @Override
    public boolean done() {
        return done;
    }

    static String type(int t) {
        return switch (t) {
            case 0 -> "docker";
            case 1 -> "lxc";
            case 2 -> "libvirt-lxc";
            case 3 -> "mesos";
            case 4 -> "rkt";
            case 6 -> "cri";
            case 7 -> "containerd";
            case 8 -> "cri-o";
            case 9 -> "bpm";
            default -> "unknown";
        };
    }

    @Override
    public void end(Consumer<String> out, boolean json, long lastTs) {
        List<Inspector.Container> l = done || inspector == null ? seen : table(inspector);
        out.accept(Units.extend("container.type", 15) + Units.extend("container.image", 16) + Units.extend("container.name", 20)
                + Units.extend("container.id", 13));
        out.accept(Units.extend("-".repeat(15), 15) + Units.extend("-".repeat(16), 16) + Units.extend("-".repeat(20), 20)
                + Units.extend("-".repeat(13), 13));
        for (Inspector.Container c : l) {
            out.accept(Units.extend(type(c.type()), 15) + Units.extend(c.image() == null ? "" : c.image(), 16)
                    + Units.extend(c.name() == null ? "" : c.name(), 20) + Units.extend(c.id(), 13));
        }
    }
}
