package dev.lofilora.bench;

import dev.lofilora.common.ConfigFiles;
import dev.lofilora.lora.LoraConfig;
import dev.lofilora.lora.LoraModel;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.model.transformer.RandomWeights;
import dev.lofilora.nn.Capture;
import dev.lofilora.nn.Parameter;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.Threads;
import dev.lofilora.train.AceStepV1Objective;
import dev.lofilora.train.AdamW;
import dev.lofilora.train.GradientClipping;
import dev.lofilora.train.Grads;
import dev.lofilora.train.SampledNoise;
import dev.lofilora.train.TrainBatch;
import dev.lofilora.train.TrainingStep;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One LoRA training step — forward, backward, gradient clipping, AdamW — on the CPU in fp32, in steps per second, for
 * the shared tiny preset (T = 64) and the mid-size config of {@link TransformerForwardBenchmark} (width 512, 4 blocks,
 * T = 256), each with and without gradient checkpointing; rank 16 on ACE-Step's eight targets, batch 1, one thread
 * (ATen and OpenBLAS).
 *
 * <p>The share of a step spent outside libtorch's kernels (Java, JNI, allocation) is bounded as the forward's is
 * ({@link TransformerForwardBenchmark}): N = native objects one step creates from Java (counted with the per-part
 * scopes off; backward is one call into libtorch's engine, so N is the forward's ops plus clipping and the
 * optimiser), c = the cost of one small out-of-place op in a scope, share ≤ N·c ÷ step time. {@link State#report}
 * prints it for each parameter set.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-Dorg.bytedeco.javacpp.maxBytes=0"})
public class TrainingStepBenchmark {
    @State(Scope.Thread)
    public static class StepState {
        @Param({"tiny", "mid"})
        String config;

        @Param({"false", "true"})
        boolean checkpointing;

        ACEStepTransformer2DModel model;
        LoraModel lora;
        List<Parameter> params;
        AdamW opt;
        TrainingStep step;
        TrainBatch batch;
        SampledNoise noise;
        Threads threads;
        long objectsPerStep;
        long steps;
        long nanos;

        @Setup(Level.Trial)
        public void setUp() {
            threads = Threads.limit(1);
            int t;
            if (config.equals("tiny")) {
                model = TinyPreset.load(ConfigFiles.defaults()).transformer(Devices.cpu(), ScalarType.Float);
                t = 64;
            } else {
                model = new ACEStepTransformer2DModel(TransformerForwardBenchmark.midConfig(), false);
                Map<String, Tensor> w = RandomWeights.stateDict(model, 42);
                model.loadStateDict(w.keySet(), w::get, Devices.cpu(), ScalarType.Float, true);
                w.values().forEach(Tensor::close);
                t = TransformerForwardBenchmark.T;
            }
            AceStepConfig c = model.config;
            lora = LoraModel.inject(model, new LoraConfig(16, 16, true, LoraConfig.ACESTEP_TARGETS, null, 0));
            lora.initialize(1, ScalarType.Float);
            model.train(true);
            params = new ArrayList<>(lora.parameters().values());
            opt = new AdamW(lora.parameters(), AdamW.Options.acestep(), true);
            step = new TrainingStep(model, new AceStepV1Objective(c.sslNames(), 1.0), checkpointing);
            torch.manual_seed(1);
            batch = new TrainBatch(List.of("bench"), keep(torch.randn(1, c.inChannels(), c.maxHeight(), t)),
                    keep(torch.ones(1, t)), keep(torch.randn(1, 32, c.textEmbeddingDim())),
                    keep(torch.ones(1, 32).to(ScalarType.Long)), keep(torch.zeros(1, c.speakerEmbeddingDim())),
                    keep(torch.randint(1, c.lyricEncoderVocabSize(), new long[] {1, 32})),
                    keep(torch.ones(1, 32).to(ScalarType.Long)), Map.of());
            noise = new SampledNoise(keep(torch.randn(1, c.inChannels(), c.maxHeight(), t)),
                    keep(torch.full(new long[] {1}, new Scalar(0.5))), keep(torch.full(new long[] {1}, new Scalar(500.0))));
            run(Capture.NONE); // warm caches and the optimiser state
            try (PointerScope scope = new PointerScope()) {
                long before = Pointer.totalCount();
                run(countAll());
                objectsPerStep = Pointer.totalCount() - before;
            }
            System.out.printf("%n[TrainingStep] %s checkpointing=%s: native objects per step N = %d%n", config,
                    checkpointing, objectsPerStep);
        }

        private static Tensor keep(Tensor t) {
            t.retainReference();
            return t;
        }

        /** An active capture that keeps nothing: it turns the per-part scopes off so every object stays counted. */
        private static Capture countAll() {
            return (name, t) -> { };
        }

        double run(Capture capture) {
            TrainingStep.Result r = step.run(batch, noise, 1.0, true, capture);
            GradientClipping.clip(params, 0.5);
            opt.step(1e-4);
            Grads.clear(params);
            return r.total();
        }

        @TearDown(Level.Trial)
        public void report() {
            double perOp = TransformerForwardBenchmark.measurePerOpNanos(200_000);
            double perStep = nanos / (double) Math.max(1, steps);
            System.out.printf("%n[TrainingStep] %s checkpointing=%s: step %.1f ms (%.2f steps/s), N = %d, per-op "
                            + "overhead %.2f µs, Java/JNI/allocation share ≤ %.2f %%%n", config, checkpointing,
                    perStep / 1e6, 1e9 / perStep, objectsPerStep, perOp / 1e3, 100 * objectsPerStep * perOp / perStep);
            opt.close();
            lora.close();
            model.close();
            threads.close();
        }
    }

    /** One training step (steps/s). */
    @Benchmark
    public double trainingStep(StepState s) {
        try (PointerScope scope = new PointerScope()) {
            long t0 = System.nanoTime();
            double loss = s.run(Capture.NONE);
            s.nanos += System.nanoTime() - t0;
            s.steps++;
            return loss;
        }
    }
}
