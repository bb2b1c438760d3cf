package dev.lofilora.cli;

import dev.lofilora.common.Interruption;
import dev.lofilora.common.Json;
import dev.lofilora.train.TrainConfig;
import dev.lofilora.train.TrainJob;
import dev.lofilora.train.TrainPlugins;
import dev.lofilora.train.TrainResult;
import dev.lofilora.train.dist.DistOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code lofi train}: an rsLoRA on the ACE-Step transformer from per-track caches (docs/cli.md). */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Train ACE-Step v1's rank-256 rsLoRA (config/lofi_lora_config.json 'lora') on the per-track caches lofi preprocess wrote, as ACE-Step's trainer does (flow matching, logit-normal timesteps, CFG dropout, AdamW, clip 0.5, warm-up + linear decay), with a frozen bf16 base, fp32 LoRA/optimiser and gradient checkpointing. Writes <out>/run.json, metrics.jsonl, train.log, loss.png and checkpoints/step-N (PEFT adapter + optimiser + state). Ctrl-C writes a checkpoint and exits; --resume continues exactly.",
                "",
                "Settings not given here come from config/training_defaults.json.",
                "",
                "Data-parallel: --nproc N starts N ranks here (torchrun-style, PyTorch c10d Gloo on CPU or NCCL on GPUs); each trains its share of every global batch and the LoRA gradients are all-reduced; rank 0 writes the run folder. Several machines: --nnodes M --node-rank R --master-addr A --master-port P on each. A scheduler that starts every rank itself: --rank/--world-size or RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT.",
                "",
                "Exit codes: 0 finished (or stopped by Ctrl-C with a checkpoint); 1 stopped after too many non-finite steps, or a data-parallel rank died or hung (the others stop within --dist-timeout, naming it); 2 bad input or configuration (model, caches, run folder, changed config on --resume); 3 internal error."
        })
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "<dir|tiny>",
            description = "An ACE-Step transformer folder (config.json + weights), or 'tiny' for the seeded toy model of config/tiny_model.json.")
    String model;

    @Option(names = "--data", required = true, paramLabel = "<cache-dir>",
            description = "The per-track cache folder lofi preprocess wrote (<key>.safetensors).")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "<run-dir>", description = "The run folder, e.g. runs/my-lora.")
    Path out;

    @Option(names = "--device", paramLabel = "<device>", defaultValue = "cpu",
            description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--resume", description = "Continue the run in --out from its newest checkpoint (the config must be unchanged).")
    boolean resume;

    @Option(names = "--max-steps", paramLabel = "<n>", description = "Optimiser steps in all (default: max_steps, 100000).")
    Long maxSteps;

    @Option(names = "--checkpoint-every", paramLabel = "<n>", description = "Steps between checkpoints (default: checkpoint_every, 2000).")
    Long checkpointEvery;

    @Option(names = "--keep", paramLabel = "<n>", description = "Checkpoints kept (default: keep_checkpoints, 5).")
    Integer keep;

    @Option(names = "--batch-size", paramLabel = "<n>", description = "Items per batch, equal-length crops from length buckets (default: batch_size, 1).")
    Integer batchSize;

    @Option(names = "--grad-accum", paramLabel = "<n>", description = "Batches per optimiser step (default: grad_accumulation, 1).")
    Integer gradAccum;

    @Option(names = "--lr", paramLabel = "<x>", description = "Peak learning rate (default: learning_rate, 1e-4).")
    Double lr;

    @Option(names = "--seed", paramLabel = "<n>", description = "Seed of the adapter init, data order, noise and dropout (default: seed, 42).")
    Long seed;

    @Option(names = "--precision", paramLabel = "<bf16|fp32>", description = "Frozen base weights in bf16 (LoRA stays fp32) or all fp32 (default: precision, bf16).")
    String precision;

    @Option(names = "--no-checkpointing", description = "Turn gradient checkpointing off (more memory, a little faster).")
    boolean noCheckpointing;

    @Option(names = "--threads", paramLabel = "<n>", description = "libtorch CPU threads; 0 = its default (default: threads, 0).")
    Integer threads;

    @Option(names = "--nproc", paramLabel = "<n>", defaultValue = "1",
            description = "Data-parallel processes to start on this machine (one per GPU with nccl), supervised like torchrun; --batch-size is per process, so the global batch is n × nnodes × batch size (default: ${DEFAULT-VALUE}).")
    int nproc;

    @Option(names = "--backend", paramLabel = "<gloo|nccl>", defaultValue = "gloo",
            description = "PyTorch c10d backend of a data-parallel run: gloo (CPU) or nccl (CUDA, GPU build; each rank uses cuda:LOCAL_RANK) (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--nnodes", paramLabel = "<m>", defaultValue = "1", description = "Machines in the run; start lofi train --nproc n on each (default: ${DEFAULT-VALUE}).")
    int nnodes;

    @Option(names = "--node-rank", paramLabel = "<r>", defaultValue = "0", description = "This machine, 0 … nnodes-1; machine 0 runs rank 0 and the store (default: ${DEFAULT-VALUE}).")
    int nodeRank;

    @Option(names = "--master-addr", paramLabel = "<host>", description = "Host of rank 0 (default: MASTER_ADDR, else 127.0.0.1).")
    String masterAddr;

    @Option(names = "--master-port", paramLabel = "<port>", description = "Port of rank 0's rendezvous store (default: MASTER_PORT; else 29500, or a free port for a one-machine --nproc run).")
    Integer masterPort;

    @Option(names = "--rank", paramLabel = "<r>", description = "Run one rank yourself (a scheduler such as a SLURM array starts each); default: RANK.")
    Integer rank;

    @Option(names = "--world-size", paramLabel = "<n>", description = "Ranks in all when started with --rank; default: WORLD_SIZE.")
    Integer worldSize;

    @Option(names = "--dist-timeout", paramLabel = "<s>", defaultValue = "300",
            description = "Seconds a rank waits in a collective (and the rendezvous) before the run stops naming the missing rank (default: ${DEFAULT-VALUE}).")
    long distTimeout;

    @Option(names = "--bucket-mb", paramLabel = "<mb>", defaultValue = "256",
            description = "Gradient all-reduce bucket size in MiB (default: ${DEFAULT-VALUE}; README 'Data-parallel training' explains it).")
    double bucketMb;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        TrainConfig config = config();
        return run(config);
    }

    TrainConfig config() {
        TrainConfig config = TrainConfig.of(model, data, out, common.config()).withDevice(device).withResume(resume);
        if (maxSteps != null) config = config.with("max_steps", maxSteps);
        if (checkpointEvery != null) config = config.with("checkpoint_every", checkpointEvery);
        if (keep != null) config = config.with("keep_checkpoints", keep);
        if (batchSize != null) config = config.with("batch_size", batchSize);
        if (gradAccum != null) config = config.with("grad_accumulation", gradAccum);
        if (lr != null) config = config.with("learning_rate", lr);
        if (seed != null) config = config.with("seed", seed);
        if (precision != null) config = config.with("precision", precision);
        if (noCheckpointing) config = config.with("gradient_checkpointing", false);
        if (threads != null) config = config.with("threads", threads);
        return config;
    }

    private Integer run(TrainConfig config) {
        PrintWriter err = spec.commandLine().getErr();
        if (nproc > 1 || nnodes > 1) return DistributedCli.launch(this, spec);
        DistOptions dist = distOptions();
        if (dist != null && dist.worldSize() > 1) return DistributedCli.rank(this, spec, config, dist);
        TrainJob job = new TrainJob(config, TrainPlugins.DEFAULT.withMessages(m -> { err.println(m); err.flush(); }));
        CountDownLatch printed = new CountDownLatch(1);
        // Ctrl-C (SIGINT) and SIGTERM: stop after the current step, write a checkpoint, print, then let the JVM exit.
        // Registered with Interruption so it completes before the launcher's cleanup refuses new temporary files.
        Runnable stop = stopThenAwait(job::requestStop, printed);
        try (Interruption.Note stopFirst = Interruption.finishFirst(stop)) {
            TrainResult r = job.run(ConsoleProgress.create(common));
            PrintWriter o = spec.commandLine().getOut();
            if (common.json) o.println(Json.toString(toJson(r)));
            else render(r, o);
            o.flush();
            return r.failure() != null ? ExitCodes.ITEMS_FAILED : ExitCodes.OK;
        } finally {
            printed.countDown();
        }
    }

    /** This process's place in a data-parallel run (--rank/--world-size or RANK/WORLD_SIZE), or null. */
    DistOptions distOptions() {
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        if (rank == null && worldSize == null && !DistOptions.inEnvironment(env)) return null;
        if (masterAddr != null) env.put("MASTER_ADDR", masterAddr);
        if (masterPort != null) env.put("MASTER_PORT", String.valueOf(masterPort));
        try {
            return DistOptions.from(env, rank, worldSize, backend, Duration.ofSeconds(distTimeout),
                    Math.max(4, (long) (bucketMb * (1 << 20))));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    static Map<String, Object> toJson(TrainResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", r.runDir().toString());
        m.put("start_step", r.startStep());
        m.put("final_step", r.finalStep());
        m.put("max_steps", r.maxSteps());
        m.put("completed", r.completed());
        m.put("stopped", r.stopped());
        m.put("failure", r.failure());
        m.put("latest_checkpoint", r.latestCheckpoint() == null ? null : r.latestCheckpoint().toString());
        m.put("first_loss", finite(r.firstLoss()));
        m.put("last_loss", finite(r.lastLoss()));
        m.put("skipped_steps", r.skippedSteps());
        m.put("repa", r.repa());
        m.put("lora_layers", r.wrappedLayers());
        m.put("lora_parameters", r.trainableParameters());
        m.put("seconds_per_step", r.secondsPerStep());
        return m;
    }

    private static Double finite(double v) { return Double.isFinite(v) ? v : null; }

    static void render(TrainResult r, PrintWriter o) {
        o.printf(Locale.ROOT, "%s: steps %d → %d of %d%s%n", r.runDir(), r.startStep(), r.finalStep(), r.maxSteps(),
                r.stopped() ? " (stopped on request)" : r.failure() != null ? " (stopped: non-finite steps)" : "");
        o.printf(Locale.ROOT, "LoRA: %d layers, %,d parameters; REPA %s; %.3f s/step%n", r.wrappedLayers(),
                r.trainableParameters(), r.repa() ? "on" : "off", r.secondsPerStep());
        o.printf(Locale.ROOT, "loss: first %.5f, last %.5f; skipped steps %d%n", r.firstLoss(), r.lastLoss(), r.skippedSteps());
        if (r.latestCheckpoint() != null) o.println("checkpoint: " + r.latestCheckpoint());
        if (r.failure() != null) o.println("FAILED: " + r.failure());
    }

    /**
     * The Ctrl-C/SIGTERM action of a training run: ask it to stop after the current step, then wait (at most 30 min)
     * until its checkpoint is written and the result printed, so the JVM does not exit under it.
     */
    static Runnable stopThenAwait(Runnable requestStop, CountDownLatch printed) {
        return () -> {
            requestStop.run();
            try {
                printed.await(30, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }
}
