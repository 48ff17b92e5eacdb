package io.boxscope.proc.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import io.boxscope.proc.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** containerd's on-disk state, on files captured from a real containerd (resources/containerd/README.md). */
class ContainerdTasksTest {
    static final String ID = "boxscope-test-ctr-try2";

    /** A state directory holding the captured task bundle, as the runc v2 shim lays it out. */
    static Path state(Path tmp) throws IOException {
        Path bundle = tmp.resolve("run/containerd/io.containerd.runtime.v2.task/boxscope-test/" + ID);
        Files.createDirectories(bundle);
        Files.copy(Fixtures.path("containerd/config.json"), bundle.resolve("config.json"));
        Files.createDirectories(tmp.resolve("run/containerd/io.containerd.runtime.v2.task/moby/being-created")); // no config.json yet
        return tmp.resolve("run/containerd");
    }

    @Test
    void tasksWithTheirCgroupAndImage(@TempDir Path tmp) throws IOException {
        ContainerdTasks.Scan s = ContainerdTasks.read(state(tmp), Fixtures.path("containerd/meta.db"));
        assertEquals(List.of(new ContainerdTasks.Task("boxscope-test", ID, "/boxscope-test/" + ID, "docker.io/boxscope-test/busybox:latest")),
                s.tasks());
        assertEquals(List.of(), s.problems());
        assertEquals("", s.imagesUnknown());
    }

    @Test
    void withoutTheMetadataTheImageIsUnknownAndSaysWhy(@TempDir Path tmp) throws IOException {
        ContainerdTasks.Scan s = ContainerdTasks.read(state(tmp), tmp.resolve("nonexistent/meta.db"));
        assertEquals("", s.tasks().getFirst().image());
        assertTrue(s.imagesUnknown().contains("meta.db"), s.imagesUnknown());
    }

    @Test
    void boltLookups() throws IOException {
        BoltDb db = BoltDb.open(Fixtures.path("containerd/meta.db"));
        assertEquals(Optional.of("docker.io/boxscope-test/busybox:latest"), ContainerdTasks.image(db, "boxscope-test", ID));
        assertEquals(Optional.empty(), ContainerdTasks.image(db, "boxscope-test", "no-such-container"));
        assertEquals(Optional.empty(), ContainerdTasks.image(db, "no-such-namespace", ID));
        assertTrue(db.root().bucket("v1").orElseThrow().buckets().containsKey("boxscope-test"));
    }

    /**
     * The same database as bbolt on big-endian s390x writes it (meta-be.db, from make-bigendian.py, which swaps
     * every field by bbolt's page layout, independently of BoltDb): the same answers.
     */
    @Test
    void bigEndianBoltLookups() throws IOException {
        BoltDb db = BoltDb.open(Fixtures.path("containerd/meta-be.db"));
        assertEquals(Optional.of("docker.io/boxscope-test/busybox:latest"), ContainerdTasks.image(db, "boxscope-test", ID));
        assertEquals(Optional.empty(), ContainerdTasks.image(db, "boxscope-test", "no-such-container"));
        assertEquals(db.root().bucket("v1").orElseThrow().buckets().keySet(),
                BoltDb.open(Fixtures.path("containerd/meta.db")).root().bucket("v1").orElseThrow().buckets().keySet());
        byte[] be = Files.readAllBytes(Fixtures.path("containerd/meta-be.db"));
        assertEquals((byte) 0xed, be[16], "the meta magic's high byte first");
    }

    /** A container created in the CRI namespace with the kubelet's labels (README.md says how). */
    @Test
    void kubernetesLabelsFromTheCriNamespace() throws IOException {
        BoltDb db = BoltDb.open(Fixtures.path("containerd/meta-k8s.db"));
        String id = "3f1c0a9d2b7e4c5f8a6b1d0e9f2c3b4a5d6e7f8091a2b3c4d5e6f708192a3b4c";
        assertEquals(java.util.Map.of(KubernetesLabels.POD_NAME, "web-0", KubernetesLabels.POD_NAMESPACE, "shop",
                KubernetesLabels.CONTAINER_NAME, "app"), ContainerdTasks.kubernetesLabels(db, "k8s.io", id));
        assertEquals(java.util.Map.of(), ContainerdTasks.kubernetesLabels(db, "k8s.io", "no-such-container"));
        assertEquals(java.util.Map.of(), ContainerdTasks.kubernetesLabels(db, "boxscope-test", id));
    }

    @Test
    void notABoltFile(@TempDir Path tmp) throws IOException {
        Files.write(tmp.resolve("x.db"), new byte[8192]);
        assertThrows(IOException.class, () -> BoltDb.open(tmp.resolve("x.db")));
        Files.write(tmp.resolve("short.db"), new byte[10]);
        assertThrows(IOException.class, () -> BoltDb.open(tmp.resolve("short.db")));
    }

    /** Damaged databases (random bytes overwritten): the scan never throws, and never invents an image. */
    @Test
    void damagedDatabasesNeverThrow(@TempDir Path tmp) throws IOException {
        byte[] good = Files.readAllBytes(Fixtures.path("containerd/meta.db"));
        Path state = state(tmp);
        Random r = new Random(42);
        for (int round = 0; round < 300; round++) {
            byte[] bad = good.clone();
            for (int k = 0; k < 1 + r.nextInt(16); k++) {
                bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
            }
            Path db = tmp.resolve("bad.db");
            Files.write(db, bad);
            ContainerdTasks.Scan s = ContainerdTasks.read(state, db);
            String image = s.tasks().getFirst().image();
            // A damaged value can still look like a reference (bbolt has no checksum on data pages),
            // but never holds what a reference cannot: spaces, control characters, a NUL.
            assertTrue(image.isEmpty() || image.matches("[A-Za-z0-9][A-Za-z0-9._/:@+-]*"), image);
            assertTrue(image.isEmpty() || s.imagesUnknown().isEmpty(), s.toString());
        }
        assertThrows(IOException.class, () -> BoltDb.of(ByteBuffer.wrap(new byte[0]), "empty"));
    }

    @Test
    void cgroupsPathForms() {
        assertEquals(Optional.of("/boxscope-test/x"), ContainerdTasks.cgroupPath("{\"linux\":{\"cgroupsPath\":\"/boxscope-test/x\"}}"));
        assertEquals(Optional.of("/system.slice/containerd-x.scope"),
                ContainerdTasks.cgroupPath("{\"linux\":{\"cgroupsPath\":\"system.slice:containerd:x\"}}"));
        assertEquals("/kubepods.slice/kubepods-besteffort.slice", ContainerdTasks.sliceDir("kubepods-besteffort.slice"));
        assertEquals(Optional.empty(), ContainerdTasks.cgroupPath("{\"linux\":{}}"));
        assertEquals(Optional.empty(), ContainerdTasks.cgroupPath("{}"));
    }
}
