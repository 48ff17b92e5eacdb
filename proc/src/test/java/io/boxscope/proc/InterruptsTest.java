package io.boxscope.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** /proc/interrupts captured on the development machine (x86_64, 2 CPUs, virtio), other layouts, broken files. */
class InterruptsTest {
    @Test
    void fixture() {
        Interrupts i = Interrupts.parse(Fixtures.text("proc/interrupts.txt"));
        assertEquals(19, i.rows().size(), "rows 24 to 26 and 28 to 43; NMI, LOC, ERR ... left out");
        assertEquals(new Interrupts.Row(36, 9626658, List.of("virtio1-req.0")), i.rows().get(11));
        Map<String, Long> h = i.singleHandlers();
        assertEquals(2L, h.get("ACPI:Ged"), "two rows of one name are summed: 1 + 1");
        assertEquals(154003L, h.get("virtio3-tx"));
        assertEquals(18, h.size());
        assertTrue(i.shared().isEmpty());
    }

    /** A shared line (x86 with IR-IO-APIC, fasteoi), ARM's GIC with Level/Edge and no flow name, a row without handler. */
    @Test
    void otherLayouts() {
        Interrupts i = Interrupts.parse("""
                           CPU0       CPU1       CPU2
                  9:          0          4          0  IR-IO-APIC    9-fasteoi   acpi
                 16:         10          0          5  IR-IO-APIC   16-fasteoi   ehci_hcd:usb1, i801_smbus
                 11:       1234       5678          9     GICv3  27 Level     arch_timer
                 14:          1          2          3     GICv3  33 Edge      uart-pl011
                 61:          0          0          0  ITS-MSI 16384 Edge
                 70:          5          0          0  PCI-MSI   my handler with spaces
                ERR:          0
                """);
        assertEquals(List.of("acpi"), i.rows().get(0).handlers());
        assertEquals(List.of("ehci_hcd:usb1", "i801_smbus"), i.rows().get(1).handlers());
        assertEquals(Set.of("ehci_hcd:usb1", "i801_smbus"), i.shared());
        assertEquals(6921L, i.singleHandlers().get("arch_timer"));
        assertEquals(6L, i.singleHandlers().get("uart-pl011"));
        assertEquals(List.of(), i.rows().get(4).handlers());
        assertEquals(List.of("my handler with spaces"), i.rows().get(5).handlers());
        assertFalse(i.singleHandlers().containsKey("i801_smbus"));
        assertEquals(4 + 15 + 6921 + 6 + 0 + 5, i.events());
    }

    @Test
    void hostile() {
        assertThrows(ProcParseException.class, () -> Interrupts.parse(""));
        assertThrows(ProcParseException.class, () -> Interrupts.parse("garbage\n 1: 2 chip x\n"));
        ProcParseException e = assertThrows(ProcParseException.class,
                () -> Interrupts.parse("   CPU0  CPU1\n 24:  1  x\u001b[31m  IO-APIC 5-edge ttyS0\n"));
        assertTrue(e.getMessage().contains("\\x1b[31m") && !e.getMessage().contains("\u001b"), e.getMessage());
        assertThrows(ProcParseException.class, () -> Interrupts.parse("   CPU0  CPU1\n 24:  1\n"), "counts cut short");
        assertThrows(ProcParseException.class,
                () -> Interrupts.parse("   CPU0  CPU1\n 24:  9223372036854775807  1  IO-APIC 5-edge x\n"), "overflow");
        // names are whatever the driver chose: control characters and invalid UTF-8 are kept as read
        Interrupts odd = Interrupts.parse("   CPU0\n 5:  3  chip  1-edge  a\u0007b\uFFFD\n\n");
        assertEquals(List.of("a\u0007b\uFFFD"), odd.rows().getFirst().handlers());
        // a name of digits alone is taken for the chip's columns: the row has no handler (never a wrong name)
        assertEquals(List.of(), Interrupts.parse("   CPU0\n 5:  3  chip  1-edge  42\n").rows().getFirst().handlers());
    }

    /** The live file: every numbered row parsed; the counts only grow between two reads. */
    @Test
    void live() throws Exception {
        Interrupts a = Interrupts.read(HostPaths.DEFAULT);
        Interrupts b = Interrupts.read(HostPaths.DEFAULT);
        assertFalse(a.rows().isEmpty());
        assertTrue(b.events() >= a.events(), a.events() + " then " + b.events());
    }
}
