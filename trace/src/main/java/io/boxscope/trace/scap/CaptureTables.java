package io.boxscope.trace.scap;

import java.util.List;
import java.util.Map;

/**
 * Everything a capture file says about the machine before its events: what {@code -r} needs instead of
 * the live machine's /proc.
 *
 * @param machine    the machine info block, or null when the file has none (plugin captures)
 * @param interfaces the interface list
 * @param users      the user list
 * @param groups     the group list
 * @param threads    the process list, in file order
 * @param fds        the fd lists, by thread id
 */
public record CaptureTables(MachineInfo machine, List<InterfaceInfo> interfaces, List<UserInfo> users,
                            List<GroupInfo> groups, List<ThreadInfo> threads, Map<Long, List<FdInfo>> fds) {
    public CaptureTables {
        interfaces = List.copyOf(interfaces);
        users = List.copyOf(users);
        groups = List.copyOf(groups);
        threads = List.copyOf(threads);
        fds = Map.copyOf(fds);
    }
}
