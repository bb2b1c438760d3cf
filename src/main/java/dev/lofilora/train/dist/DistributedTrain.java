package dev.lofilora.train.dist;

import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.train.DataShard;
import dev.lofilora.train.TrainConfig;
import dev.lofilora.train.TrainJob;
import dev.lofilora.train.TrainPlugins;
import dev.lofilora.train.TrainResult;

import java.util.concurrent.atomic.AtomicReference;

/**
 * One rank of a data-parallel {@code lofi train} (issue 14): joins the c10d process group, then runs {@link TrainJob}
 * on its shard of every global batch with {@link GradientAllReduce} as the gradient hook.
 *
 * <p>The global batch is {@code worldSize × batch_size} (batch_size is per process, as with torchrun + DDP), and the
 * run folder records that global batch size, so a run started with N processes resumes with any N' whose
 * N'·batch_size gives the same global batch (e.g. 2 × 2 resumes as 1 × 4). The global data order, crops, CFG dropout,
 * noise and timesteps are those of a one-process run of the global batch; the lyric encoder's dropout masks are drawn
 * per process. Every rank starts from the same adapter (the seeded init, or the checkpoint every rank reads from the
 * shared run folder); rank 0 alone writes {@code run.json}, metrics, the log and checkpoints.
 */
public final class DistributedTrain {
    private final TrainConfig config;
    private final DistOptions options;
    private final TrainPlugins plugins;
    private final AtomicReference<TrainJob> job = new AtomicReference<>();
    private volatile boolean stopEarly;

    /** @param config the per-process settings ({@code batch_size} is per process) */
    public DistributedTrain(TrainConfig config, DistOptions options, TrainPlugins plugins) {
        this.config = config;
        this.options = options;
        this.plugins = plugins == null ? TrainPlugins.DEFAULT : plugins;
    }

    /** The config every rank trains with: the global batch, and this rank's GPU with NCCL. */
    public TrainConfig globalConfig() {
        TrainConfig c = config.with("batch_size", config.settings().batchSize() * options.worldSize());
        if (options.backend().equals("nccl")) {
            if (!config.device().startsWith("cuda")) {
                throw new LofiException("--backend nccl trains on GPUs, but --device is " + config.device(),
                        "pass --device cuda (each rank uses cuda:LOCAL_RANK), or use --backend gloo on the CPU");
            }
            c = c.withDevice("cuda:" + options.localRank());
        } else if (config.device().startsWith("cuda")) {
            throw new LofiException("--backend gloo all-reduces CPU tensors here, but --device is " + config.device(),
                    "use --backend nccl with --device cuda, or --device cpu");
        }
        return c;
    }

    /** Asks every rank to stop after the current step (they agree on the step); rank 0 writes a checkpoint. */
    public void requestStop() {
        stopEarly = true;
        TrainJob j = job.get();
        if (j != null) j.requestStop();
    }

    /**
     * Trains this rank's part; throws {@link RankFailure} when another rank dies or hangs (after at most the
     * timeout), {@link LofiException} for bad input or a failed rendezvous.
     */
    public TrainResult run(ProgressListener progress) {
        TrainConfig global = globalConfig();
        try (Collectives comm = Collectives.connect(options)) {
            GradientAllReduce hook = new GradientAllReduce(comm, options.bucketBytes());
            TrainJob j = new TrainJob(global, plugins.withGradientHook(hook),
                    new DataShard(options.rank(), options.worldSize()));
            job.set(j);
            if (stopEarly) j.requestStop();
            return j.run(progress);
        }
    }
}
