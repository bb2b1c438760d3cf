package dev.lofilora.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.cache.CacheExpectations;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.lora.AdapterFile;
import dev.lofilora.lora.AdapterFiles;
import dev.lofilora.lora.LoraModel;
import dev.lofilora.nn.BatchDropout;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.nn.Parameter;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.NumericsFlags;
import dev.lofilora.tensor.Threads;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code lofi train}: an rsLoRA on the ACE-Step transformer from per-track caches, as ACE-Step's trainer does it
 * (research/acestep.md §3): frozen base (bf16 or fp32), fp32 LoRA/gradients/AdamW, flow-matching loss with
 * logit-normal timesteps, CFG condition dropout, the REPA loss when the caches hold SSL features, clipping 0.5,
 * warm-up and linear decay, gradient accumulation and per-block gradient checkpointing.
 *
 * <p>The run folder holds {@code run.json} (config snapshot, seed, library versions), {@code metrics.jsonl},
 * {@code train.log}, {@code loss.png} and atomic checkpoints (the newest {@code keep_checkpoints}). Every random draw
 * is seeded from (seed, step, data position), so {@code resume} continues exactly: on the CPU a run killed at any
 * point and resumed ends with the bit-identical adapter of an uninterrupted run. A resume with a changed
 * configuration is refused. Steps whose loss or gradient norm is not finite are skipped and logged; after
 * {@code max_bad_steps} in a row the run stops ({@link TrainResult#failure()}). {@link #requestStop()} (Ctrl-C in the
 * CLI) ends the run after the current step with a checkpoint.
 *
 * <p>Runs in the calling thread (libtorch's grad mode and scopes are thread-local); each step is one
 * {@link PointerScope}. One run per instance.
 */
public final class TrainJob {
    private final TrainConfig config;
    private final TrainPlugins plugins;
    private final DataShard shard;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);

    public TrainJob(TrainConfig config) { this(config, TrainPlugins.DEFAULT); }

    public TrainJob(TrainConfig config, TrainPlugins plugins) { this(config, plugins, DataShard.SINGLE); }

    /**
     * One process of a data-parallel run ({@code train.dist}): {@code settings.batch_size} is the global batch, of
     * which this process trains {@code shard}'s items; {@code plugins.gradientHook()} must combine the processes'
     * gradients and step scalars. Only the first shard writes the run folder; every process reads it on resume.
     */
    public TrainJob(TrainConfig config, TrainPlugins plugins, DataShard shard) {
        this.config = config;
        this.plugins = plugins;
        this.shard = shard;
    }

    /** Asks the run to stop after the current step; it writes a checkpoint first. Thread-safe. */
    public void requestStop() { stop.set(true); }

    /** Waits until {@link #run} has returned or thrown; false on timeout. */
    public boolean awaitDone(long timeout, TimeUnit unit) throws InterruptedException {
        return done.await(timeout, unit);
    }

    /** Trains; throws {@link LofiException} for bad input (model, caches, run folder, config). */
    public TrainResult run(ProgressListener progress) {
        ProgressListener p = progress == null ? ProgressListener.NONE : progress;
        try {
            return train(p);
        } finally {
            p.finish();
            done.countDown();
        }
    }

    private TrainResult train(ProgressListener progress) {
        TrainSettings s = config.settings();
        Device device = Devices.parse(config.device());
        RunFolder run = new RunFolder(config.out());
        if (shard.writer() && !config.resume() && run.hasRun()) {
            throw new LofiException(config.out(), "already holds a training run",
                    "pass --resume to continue it, or choose another --out folder");
        }
        if (config.resume() && !run.hasRun()) {
            throw new LofiException(config.out(), "holds no training run to resume", "drop --resume to start one here");
        }
        ScalarType dtype = s.precision().equals("bf16") ? ScalarType.BFloat16 : ScalarType.Float;
        boolean tf32Before = NumericsFlags.tf32CuBlasAllowed();
        NumericsFlags.setTf32(s.tf32()); // ACE-Step's trainer allows TF32 (research §2.8); a flag, no-op on the CPU
        try (Threads threads = s.threads() > 0 ? Threads.limit(s.threads()) : null) {
            ModelSource.Loaded loaded = ModelSource.load(config.model(), device, dtype, config.configs());
            try (ACEStepTransformer2DModel model = loaded.model();
                 LoraModel lora = LoraModel.inject(model, config.lora())) {
                return new Loop(run, model, lora, loaded.identity(), device).run(progress);
            }
        } finally {
            NumericsFlags.setTf32(tf32Before);
        }
    }

    private void say(RunFolder run, String message) {
        if (run != null && shard.writer() && java.nio.file.Files.isDirectory(run.dir)) run.log(message);
        if (plugins.messages() != null) plugins.messages().accept(message);
    }

    /** One run's state and steps. */
    private final class Loop {
        final RunFolder run;
        final ACEStepTransformer2DModel model;
        final LoraModel lora;
        final Device device;
        final TrainSettings s = config.settings();
        final AceStepConfig mc;
        final CacheExpectations expect;
        final CacheIndex index;
        final boolean repa;
        final ObjectNode identity;
        final String identityHash;
        final List<Parameter> params;
        final List<LossChart.Point> points = new ArrayList<>();

        Loop(RunFolder run, ACEStepTransformer2DModel model, LoraModel lora, ObjectNode modelIdentity, Device device) {
            this.run = run;
            this.model = model;
            this.lora = lora;
            this.device = device;
            this.mc = model.config;
            this.expect = new CacheExpectations(mc.inChannels(), mc.maxHeight(), mc.textEmbeddingDim(),
                    mc.lyricEncoderVocabSize());
            this.index = CacheIndex.scan(config.data(), expect);
            this.repa = s.repa().equals("auto") && index.hasSsl(mc.sslNames());
            this.identity = RunIdentity.of(modelIdentity, index, config.lora().toPeftJson(), s);
            this.identityHash = RunIdentity.hash(identity);
            this.params = new ArrayList<>(lora.parameters().values());
        }

        TrainResult run(ProgressListener progress) {
            lora.initialize(s.seed(), ScalarType.Float);
            model.train(true);
            try (AdamW opt = new AdamW(lora.parameters(), new AdamW.Options(s.learningRate(), s.adamBeta1(),
                    s.adamBeta2(), s.adamEps(), s.weightDecay()), s.foreach() && device.is_cuda())) {
                // _foreach_ on CUDA only, as PyTorch defaults: on the CPU ATen runs them as a loop of the same ops and
                // the boxed calls cost more than they save (OptimizerStepBenchmark: 64 vs 45 ms for 422 tensors).
                CheckpointStore store = new CheckpointStore(run.checkpoints(), s.keepCheckpoints(), plugins.checkpointHook());
                long start = 0;
                DataPosition pos = DataPosition.START;
                int bad = 0;
                if (config.resume()) {
                    checkIdentity();
                    Optional<Path> latest = store.latest();
                    if (latest.isPresent()) {
                        TrainingState st = CheckpointStore.readState(latest.get());
                        try (AdapterFile a = AdapterFiles.read(latest.get())) {
                            lora.load(a.weights(), ScalarType.Float, latest.get());
                        }
                        AdamW.State os = CheckpointStore.readOptimizer(latest.get());
                        opt.load(os);
                        os.tensors().values().forEach(Tensor::close);
                        start = st.step();
                        pos = st.position();
                        bad = st.badSteps();
                    }
                    if (shard.writer()) points.addAll(run.truncateMetrics(start));
                    say(run, "resumed " + run.dir + " at step " + start + (latest.isPresent() ? " from "
                            + latest.get().getFileName() : " (no checkpoint yet: from the start)"));
                } else if (shard.writer()) {
                    run.create();
                    run.writeRun(runJson());
                    say(run, "started " + run.dir + ": " + index.size() + " tracks, " + lora.layers().size()
                            + " LoRA layers, " + lora.parameterCount() + " trainable parameters, " + s.precision()
                            + (s.gradientCheckpointing() ? ", gradient checkpointing" : ""));
                }
                if (!repa) {
                    say(run, "REPA loss off: " + (s.repa().equals("off") ? "turned off in the settings"
                            : "the caches hold no SSL features (MERT/mHuBERT) for every track")
                            + ". ACE-Step's own trainer always adds it, so this run's loss differs from ACE-Step's.");
                }
                return steps(progress, opt, store, start, pos, bad);
            }
        }

        private void checkIdentity() {
            JsonNode saved = run.readRun().get("identity");
            List<String> diffs = RunIdentity.differences(saved, identity);
            if (!diffs.isEmpty()) {
                throw new LofiException(run.dir, "was started with another configuration, so it cannot be resumed "
                        + "exactly: " + String.join("; ", diffs),
                        "resume with the original settings (run.json has them) or start a new run in another --out");
            }
        }

        private ObjectNode runJson() {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("format", 1);
            o.put("started", java.time.Instant.now().toString());
            o.put("seed", s.seed());
            o.put("device", Devices.describe(device));
            o.put("repa", repa);
            o.put("identity_sha256", identityHash);
            o.set("identity", identity);
            o.set("settings", s.toJson());
            o.put("data", config.data().toAbsolutePath().normalize().toString());
            o.put("lora_layers", lora.layers().size());
            o.put("lora_parameters", lora.parameterCount());
            o.set("versions", Versions.json());
            return o;
        }

        private TrainResult steps(ProgressListener progress, AdamW opt, CheckpointStore store, long start,
                                  DataPosition pos, int badAtStart) {
            BatchLoader loader = new BatchLoader(index, expect, s.batchSize(), s.bucketFrames(), s.seed(),
                    repa ? mc.sslNames() : List.of(), mc.speakerEmbeddingDim(), pos);
            TrainingObjective objective = plugins.objective() != null ? plugins.objective().apply(mc)
                    : new AceStepV1Objective(mc.sslNames(), s.sslCoeff());
            TimestepSampler sampler = plugins.sampler() != null ? plugins.sampler()
                    : new LogitNormalIndexSampler(s.numTrainTimesteps(), s.shift(), s.logitMean(), s.logitStd());
            TrainingStep trainingStep = new TrainingStep(model, objective, s.gradientCheckpointing());
            CfgDropout cfg = new CfgDropout(s.cfgDropoutText(), s.cfgDropoutSpeaker(), s.cfgDropoutLyrics());
            LrSchedule schedule = LrSchedule.warmupLinearDecay(s.learningRate(), s.warmupSteps(), s.maxSteps());
            progress.start("train", s.maxSteps());
            if (start > 0) progress.advance(start, null);

            long step = start, lastCheckpoint = start;
            int bad = badAtStart, skipped = 0;
            double first = Double.NaN, last = Double.NaN;
            long nanos = 0;
            Path latest = store.latest().orElse(null);
            String failure = null;
            boolean stopAgreed = false; // a data-parallel run stops when any process was asked to, all at one step
            while (step < s.maxSteps() && !(plugins.gradientHook() == null ? stop.get() : stopAgreed)) {
                long t0 = System.nanoTime();
                StepOutcome o = oneStep(loader, trainingStep, cfg, sampler, opt, schedule.lr(step), step);
                stopAgreed = o.stop;
                step++;
                nanos += System.nanoTime() - t0;
                if (o.ok) {
                    bad = 0;
                    last = o.loss;
                    if (Double.isNaN(first)) first = o.loss;
                } else {
                    bad++;
                    skipped++;
                    say(run, String.format(Locale.ROOT, "step %d skipped: loss %s, gradient norm %s (%d in a row)",
                            step, o.loss, o.gradNorm, bad));
                }
                points.add(new LossChart.Point(step, o.loss));
                if (shard.writer()) run.appendMetrics(metrics(step, o, schedule.lr(step - 1), (System.nanoTime() - t0) / 1e9, loader.position()));
                progress.advance(1, String.format(Locale.ROOT, "loss %.4f lr %.1e", o.loss, schedule.lr(step - 1)));
                if (bad >= s.maxBadSteps()) {
                    failure = "the loss or the gradients were not finite for " + bad + " steps in a row (last: step "
                            + step + "); training stopped. Lower learning_rate, check the caches for NaN/Inf values "
                            + "(run lofi preprocess again), or resume from the last checkpoint";
                    say(run, failure);
                    break;
                }
                if (step % s.checkpointEvery() == 0 || step == s.maxSteps()) {
                    latest = checkpoint(store, opt, step, loader.position(), bad);
                    lastCheckpoint = step;
                }
            }
            boolean stopped = (stop.get() || stopAgreed) && step < s.maxSteps() && failure == null;
            if (stopped && step > lastCheckpoint) latest = checkpoint(store, opt, step, loader.position(), bad);
            if (stopped) say(run, "stopped on request at step " + step + "; --resume continues from " + latest);
            long ran = step - start;
            return new TrainResult(run.dir, start, step, s.maxSteps(), stopped, latest, first, last, skipped, repa,
                    lora.layers().size(), lora.parameterCount(), ran == 0 ? 0 : nanos / 1e9 / ran, failure);
        }

        private Path checkpoint(CheckpointStore store, AdamW opt, long step, DataPosition pos, int bad) {
            if (!shard.writer()) return store.dir().resolve(CheckpointStore.name(step)); // written by the first process
            TrainingState st = new TrainingState(step, pos.epoch(), pos.batch(), s.seed(), TrainingState.RNG_SCHEME,
                    bad, identityHash);
            Path where = store.write(st, lora, opt.state());
            try {
                LossChart.write(run.chart(), points, "LoRA training loss — " + run.dir.getFileName());
            } catch (IOException | RuntimeException e) {
                say(run, "loss chart not drawn: " + e.getMessage());
            }
            say(run, "checkpoint " + where.getFileName());
            return where;
        }

        private record StepOutcome(boolean ok, double loss, double denoising, List<Double> repa, double gradNorm,
                                   boolean stop) {}

        private StepOutcome oneStep(BatchLoader loader, TrainingStep trainingStep, CfgDropout cfg,
                                    TimestepSampler sampler, AdamW opt, double lr, long step) {
            int accum = s.gradAccumulation();
            double loss = 0, denoising = 0;
            List<Double> repaTerms = new ArrayList<>();
            // one term per REPA head even when this process's share is empty: the processes reduce equal-length arrays
            if (repa) for (int k = 0; k < mc.sslNames().size(); k++) repaTerms.add(0.0);
            try (PointerScope scope = new PointerScope()) {
                for (int micro = 0; micro < accum; micro++) {
                    long seed = Seeds.mix(s.seed(), step, micro);
                    Generator gen = torch.make_generator_cpu(seed);
                    // the default generators (the lyric encoder's dropout): the same state in every process, whose
                    // BatchDropout masks are drawn for the global batch (this shard's rows kept, as with the noise)
                    torch.manual_seed(Seeds.mix(seed, 1));
                    BatchLoader.Shard part = loader.next(shard);
                    if (part.size() == 0) continue; // a short leftover batch left this process nothing
                    int g = part.globalSize(), n = part.size();
                    // This shard's share of the global batch mean: the processes' gradients are averaged, so n·N/G.
                    double share = (double) n / g, weight = share * shard.count();
                    TrainBatch batch = cfg.apply(part.batch(), gen, part.offset(), g);
                    // Random draws are made for the whole global batch and this shard's rows taken: the same numbers
                    // as a one-process run of the global batch.
                    Tensor noise = plugins.noise() != null ? plugins.noise().noise(batch, gen)
                            : rows(torch.randn(globalShape(batch.latents(), g), new GeneratorOptional(gen),
                            new TensorOptions()), part);
                    Tensor[] st = sampler.sample(g, gen);
                    TrainBatch onDevice = batch.to(device);
                    SampledNoise sampled = new SampledNoise(on(noise), on(rows(st[0], part)), on(rows(st[1], part)));
                    TrainingStep.Result r = BatchDropout.forRows(part.offset(), g,
                            () -> trainingStep.run(onDevice, sampled, weight / accum, true));
                    loss += r.losses().total().item_double() * share / accum;
                    denoising += r.losses().denoising().item_double() * share / accum;
                    int k = 0;
                    for (Tensor t : r.losses().projection().values()) {
                        double v = t.item_double() * share / accum;
                        if (repaTerms.size() <= k) repaTerms.add(v); else repaTerms.set(k, repaTerms.get(k) + v);
                        k++;
                    }
                }
                if (plugins.gradientHook() != null) plugins.gradientHook().afterBackward(params, step);
                boolean stopNow = stop.get();
                if (plugins.gradientHook() != null) {
                    // the global batch's losses (each process added its share) and the stop vote, in one reduction
                    double[] v = new double[3 + repaTerms.size()];
                    v[0] = loss;
                    v[1] = denoising;
                    for (int k = 0; k < repaTerms.size(); k++) v[2 + k] = repaTerms.get(k);
                    v[v.length - 1] = stopNow ? 1 : 0;
                    v = plugins.gradientHook().sumScalars(v);
                    loss = v[0];
                    denoising = v[1];
                    for (int k = 0; k < repaTerms.size(); k++) repaTerms.set(k, v[2 + k]);
                    stopNow = v[v.length - 1] > 0;
                }
                double norm = GradientClipping.clip(params, s.maxGradNorm());
                boolean ok = Double.isFinite(loss) && Double.isFinite(norm);
                if (ok) opt.step(lr);
                Grads.clear(params);
                return new StepOutcome(ok, loss, denoising, repaTerms, norm, stopNow);
            }
        }

        private Tensor on(Tensor t) { return t.to(device, t.scalar_type()); }

        /** {@code t}'s rows of this process's part of the global batch (all of them in a one-process run). */
        private static Tensor rows(Tensor t, BatchLoader.Shard part) {
            return part.size() == part.globalSize() ? t : t.narrow(0, part.offset(), part.size());
        }

        private static long[] globalShape(Tensor t, int global) {
            long[] shape = t.sizes().vec().get();
            shape[0] = global;
            return shape;
        }

        private ObjectNode metrics(long step, StepOutcome o, double lr, double seconds, DataPosition next) {
            ObjectNode m = Json.MAPPER.createObjectNode();
            m.put("step", step);
            num(m, "loss", o.loss);
            num(m, "denoising", o.denoising);
            for (int k = 0; k < o.repa.size(); k++) num(m, "repa." + mc.sslNames().get(k), o.repa.get(k));
            m.put("lr", lr);
            num(m, "grad_norm", o.gradNorm);
            if (!o.ok) m.put("skipped", true);
            m.put("step_seconds", seconds);
            m.put("rss_mb", MemoryStats.rssBytes() / 1e6);
            if (device.is_cuda()) {
                var stats = org.bytedeco.pytorch.global.torch_cuda.getAllocator().getDeviceStats(device.index());
                m.put("cuda_allocated_mb", stats.allocated_bytes().current() / 1e6);
                m.put("cuda_peak_mb", stats.allocated_bytes().peak() / 1e6);
            }
            m.put("epoch", next.epoch());
            m.put("next_batch", next.batch());
            return m;
        }

        private static void num(ObjectNode m, String k, double v) {
            if (Double.isFinite(v)) m.put(k, v); else m.put(k, String.valueOf(v));
        }
    }
}
