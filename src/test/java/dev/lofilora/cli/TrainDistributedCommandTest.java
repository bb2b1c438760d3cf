package dev.lofilora.cli;

import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code lofi train}'s data-parallel flags in-process: --backend nccl selects the NCCL process group (which cannot run
 * on this GPU-less machine: the test shows it is reached and says what it needs), and bad rank flags are usage errors.
 */
class TrainDistributedCommandTest {
    private static List<String> base(int port) {
        return new ArrayList<>(List.of("train", "--model", "tiny", "--data", "/nonexistent-cache", "--out", "/tmp/none",
                "--rank", "0", "--world-size", "2", "--master-port", String.valueOf(port)));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void ncclIsSelectedByTheBackendFlagAndNamesWhatItNeeds() throws Exception {
        List<String> cpu = base(freePort());
        cpu.addAll(List.of("--backend", "nccl"));
        CliRun r = CliRun.of(cpu.toArray(String[]::new));
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--backend nccl trains on GPUs, but --device is cpu"), r.err());

        List<String> gpu = base(freePort());
        gpu.addAll(List.of("--backend", "nccl", "--device", "cuda"));
        CliRun g = CliRun.of(gpu.toArray(String[]::new));
        assertEquals(2, g.exit(), g.err());
        // the NCCL group's constructor is reached: on the CPU build/without GPUs it refuses with what to do
        assertTrue(g.err().contains("--backend nccl needs CUDA GPUs, and libtorch sees none")
                || g.err().contains("--backend nccl could not load NCCL"), g.err());
    }

    @Test
    void aRankOutsideTheWorldIsAUsageError() throws Exception {
        List<String> a = base(freePort());
        a.set(a.indexOf("--rank") + 1, "2");
        CliRun r = CliRun.of(a.toArray(String[]::new));
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("rank 2 is outside 0…1"), r.err());
    }
}
