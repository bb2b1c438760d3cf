package dev.lofilora.train.dist;

import dev.lofilora.train.DataShard;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The data-parallel pieces that need no second process: shards, buckets, rank arguments, options. */
class DistPiecesTest {
    @Test
    void shardsCoverEveryItemOnceAndSplitShortBatchesEvenly() {
        for (int count = 1; count <= 5; count++) {
            for (int n = 0; n <= 9; n++) {
                int covered = 0;
                for (int r = 0; r < count; r++) {
                    DataShard s = new DataShard(r, count);
                    assertEquals(covered, s.start(n), "shards are contiguous");
                    assertTrue(s.end(n) - s.start(n) <= (n + count - 1) / count);
                    covered = s.end(n);
                }
                assertEquals(n, covered);
            }
        }
        assertEquals(List.of(0, 1), List.of(new DataShard(0, 2).start(3), new DataShard(0, 2).end(3)));
        assertThrows(IllegalArgumentException.class, () -> new DataShard(2, 2));
    }

    @Test
    void bucketsHoldConsecutiveParametersUpToTheBucketSize() {
        List<Long> numels = List.of(10L, 10L, 30L, 5L, 100L, 1L);
        List<int[]> b = GradientAllReduce.buckets(numels, 4 * 25);
        assertEquals(List.of("0-2", "2-3", "3-4", "4-5", "5-6"), b.stream().map(x -> x[0] + "-" + x[1]).toList(),
                "a parameter larger than a bucket gets its own");
        assertEquals(1, GradientAllReduce.buckets(numels, 1L << 20).size());
        // the shipped r 256 adapter: 261,881,856 fp32 gradients (1.05 GB) in 256 MiB buckets → 4 buckets
        long total = 261_881_856L;
        assertEquals(4, (int) Math.ceil(total * 4.0 / DistOptions.DEFAULT_BUCKET_BYTES));
    }

    @Test
    void ranksGetTheLauncherArgumentsWithoutTheLauncherOnlyOnes() {
        List<String> a = RankArgs.of(List.of("train", "--model", "tiny", "--nproc", "2", "--master-port=1234",
                "--node-rank", "0", "--backend", "gloo", "--threads", "1"), 2);
        assertEquals(List.of("train", "--model", "tiny", "--backend", "gloo", "--threads", "1", "--no-progress"), a);
        List<String> b = RankArgs.of(List.of("train", "--nproc", "2"), 2);
        assertEquals("--threads", b.get(b.size() - 2), "unless given, the cores are split between the ranks");
    }

    @Test
    void optionsComeFromTorchrunsVariablesAndFlagsWin() {
        Map<String, String> env = Map.of("RANK", "3", "WORLD_SIZE", "4", "LOCAL_RANK", "1", "MASTER_ADDR", "node0",
                "MASTER_PORT", "29555");
        assertTrue(DistOptions.inEnvironment(env));
        DistOptions o = DistOptions.from(env, null, null, "NCCL", Duration.ofSeconds(9), 1024);
        assertEquals(List.of("nccl", "3", "4", "1", "node0", "29555"), List.of(o.backend(), "" + o.rank(),
                "" + o.worldSize(), "" + o.localRank(), o.masterAddr(), "" + o.masterPort()));
        assertEquals(2, DistOptions.from(env, 2, null, "gloo", Duration.ofSeconds(9), 1024).rank());
        assertThrows(IllegalArgumentException.class, () -> DistOptions.from(env, 4, null, "gloo", Duration.ofSeconds(9), 1024));
        assertThrows(IllegalArgumentException.class, () -> DistOptions.from(env, null, null, "mpi", Duration.ofSeconds(9), 1024));
    }
}
