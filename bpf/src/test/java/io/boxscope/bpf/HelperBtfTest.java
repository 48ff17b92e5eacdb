package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.TreeMap;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.btf.BtfKind;
import io.boxscope.bpf.btf.BtfType;
import io.boxscope.bpf.prog.AttachTargets;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * The {@link Helper} enum was written from the running kernel's {@code enum bpf_func_id}; this keeps it
 * honest by reading that enum through {@link io.boxscope.bpf.btf.Btf}: every helper the kernel defines is
 * there, with the same id and name.
 */
@KernelTest
class HelperBtfTest {
    @Test
    void helperEnumEqualsTheKernelsBpfFuncId() throws Exception {
        var btf = AttachTargets.vmlinux();
        BtfType.Enum e = (BtfType.Enum) btf.type(btf.requireId("bpf_func_id", BtfKind.ENUM));
        Map<Long, String> kernel = new TreeMap<>();
        for (BtfType.Enumerator v : e.values()) {
            if (v.name().startsWith("BPF_FUNC_") && v.value() > 0) {
                kernel.put(v.value(), v.name().substring("BPF_FUNC_".length()));
            }
        }
        Map<Long, String> ours = new TreeMap<>();
        for (Helper h : Helper.values()) {
            ours.put((long) h.id(), h.cName());
        }
        assertEquals(kernel, ours);
    }
}
