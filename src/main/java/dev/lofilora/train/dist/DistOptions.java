package dev.lofilora.train.dist;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Where one process sits in a data-parallel run and how the processes talk: torchrun's environment
 * ({@code RANK}, {@code WORLD_SIZE}, {@code LOCAL_RANK}, {@code MASTER_ADDR}, {@code MASTER_PORT}) plus the c10d
 * backend, the collective timeout and the gradient bucket size.
 *
 * @param backend     "gloo" (CPU tensors; also works between CPU machines) or "nccl" (CUDA tensors, one GPU per
 *                    process)
 * @param rank        this process, 0 … worldSize-1; rank 0 hosts the rendezvous store and writes the run folder
 * @param worldSize   processes in all (all machines)
 * @param localRank   this process on its machine: its GPU index with NCCL
 * @param masterAddr  the host of rank 0 (its TCPStore)
 * @param masterPort  the TCPStore's port
 * @param timeout     how long a collective (and the rendezvous) waits for a rank before the run stops
 * @param bucketBytes the flattened gradients are all-reduced in buckets of at most this many bytes
 */
public record DistOptions(String backend, int rank, int worldSize, int localRank, String masterAddr, int masterPort,
                          Duration timeout, long bucketBytes) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);
    /** 256 MiB: 4 buckets for the shipped r 256 adapter (README "Data-parallel training" derives it). */
    public static final long DEFAULT_BUCKET_BYTES = 256L << 20;
    public static final int DEFAULT_PORT = 29500;

    public DistOptions {
        backend = backend.toLowerCase(Locale.ROOT);
        check(backend.equals("gloo") || backend.equals("nccl"), "--backend must be gloo or nccl, not " + backend);
        check(worldSize >= 1, "the world size must be ≥ 1");
        check(rank >= 0 && rank < worldSize, "rank " + rank + " is outside 0…" + (worldSize - 1));
        check(localRank >= 0, "the local rank must be ≥ 0");
        check(masterPort > 0 && masterPort < 65536, "--master-port must be 1…65535");
        check(!timeout.isNegative() && !timeout.isZero(), "the timeout must be > 0");
        check(bucketBytes >= 4, "the bucket must hold at least one fp32 value");
    }

    private static void check(boolean ok, String problem) {
        if (!ok) throw new IllegalArgumentException(problem);
    }

    /** Whether torchrun-style variables describe a process of a several-process run. */
    public static boolean inEnvironment(Map<String, String> env) {
        return env.containsKey("RANK") && env.containsKey("WORLD_SIZE");
    }

    /**
     * From torchrun's variables; {@code rank}/{@code worldSize} (the CLI's --rank/--world-size) win when not null.
     * {@code LOCAL_RANK} defaults to the rank, {@code MASTER_ADDR} to 127.0.0.1, {@code MASTER_PORT} to 29500.
     */
    public static DistOptions from(Map<String, String> env, Integer rank, Integer worldSize, String backend,
                                   Duration timeout, long bucketBytes) {
        int r = rank != null ? rank : Integer.parseInt(env.getOrDefault("RANK", "0"));
        int w = worldSize != null ? worldSize : Integer.parseInt(env.getOrDefault("WORLD_SIZE", "1"));
        int local = Integer.parseInt(env.getOrDefault("LOCAL_RANK", String.valueOf(r)));
        String addr = env.getOrDefault("MASTER_ADDR", "127.0.0.1");
        int port = Integer.parseInt(env.getOrDefault("MASTER_PORT", String.valueOf(DEFAULT_PORT)));
        return new DistOptions(backend, r, w, local, addr, port, timeout, bucketBytes);
    }
}
