package dev.lofilora.bench;

import dev.lofilora.common.ConfigFiles;
import dev.lofilora.infer.Conditioning;
import dev.lofilora.infer.DenoisingLoop;
import dev.lofilora.infer.ErgSwitches;
import dev.lofilora.infer.SamplingSettings;
import dev.lofilora.infer.TransformerDenoiser;
import dev.lofilora.infer.guidance.Apg;
import dev.lofilora.infer.guidance.GuidanceSettings;
import dev.lofilora.infer.guidance.MomentumBuffer;
import dev.lofilora.infer.sampler.FlowMatchScheduler;
import dev.lofilora.infer.sampler.NoiseSource;
import dev.lofilora.infer.sampler.SchedulerType;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.model.transformer.RandomWeights;
import dev.lofilora.nn.Capture;
import dev.lofilora.tensor.Devices;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
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

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code lofi generate} on the CPU in fp32 (one ATen and one OpenBLAS thread) per minute of audio (T = int(60·44100/512/8) = 646 latent frames, batch 1),
 * for the tiny preset's transformer and the mid-size config of {@link TransformerForwardBenchmark} (both with the tiny
 * preset's DCAE and vocoder):
 * <ul>
 *   <li>{@link #decode}: one transformer {@code decode} — the anchor (a loop costs about this × its decodes);</li>
 *   <li>{@link #samplerStep}: the sampler's own work in a guided step — APG (momentum, clipping, float64
 *       projection) and an Euler step with the ω mean shift — on the same latent; goal: negligible next to
 *       {@link #decode};</li>
 *   <li>{@link #loop}: the whole loop at {@code steps} Euler steps with ACE-Step's guidance (APG 15 on the middle
 *       half: {@code steps + steps/2} decodes) and ERG.</li>
 * </ul>
 * The tear-down prints, from the in-fork means, the loop against its anchor (decodes × decode), the sampler's share of
 * a guided step, and the extrapolated seconds per minute of audio at 27 and 60 steps (41 and 90 decodes).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 4)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-Dorg.bytedeco.javacpp.maxBytes=0"})
public class GenerationBenchmark {
    static final int FRAMES = (int) (60 * 44100 / 512 / 8);

    @State(Scope.Thread)
    public static class LoopState {
        @Param({"tiny", "mid"})
        String config;

        /** Euler steps of {@link #loop} (kept small: the extrapolation to 27 and 60 steps is linear in decodes). */
        @Param({"4"})
        int steps;

        ACEStepTransformer2DModel model;
        Conditioning conditions;
        TransformerDenoiser denoiser;
        Tensor latents, velocity, timestep;
        Tensor latents10s;
        dev.lofilora.model.codec.MusicDcae codec;
        final long[] nanos = new long[4];
        final long[] counts = new long[4];

        dev.lofilora.tensor.Threads threads;

        @Setup(Level.Trial)
        public void setUp() {
            threads = dev.lofilora.tensor.Threads.limit(1);   // ATen and OpenBLAS: one thread each
            AceStepConfig c = config.equals("tiny") ? TinyPreset.load(ConfigFiles.defaults()).transformerConfig()
                    : TransformerForwardBenchmark.midConfig();
            model = new ACEStepTransformer2DModel(c, false);
            Map<String, Tensor> w = RandomWeights.stateDict(model, 42);
            model.loadStateDict(w.keySet(), w::get, Devices.cpu(), ScalarType.Float, true);
            w.values().forEach(Tensor::close);
            model.train(false);
            torch.manual_seed(1);
            conditions = new Conditioning(torch.randn(1, 32, c.textEmbeddingDim()), torch.ones(1, 32).to(ScalarType.Long),
                    torch.zeros(1, c.speakerEmbeddingDim()), torch.randint(1, c.lyricEncoderVocabSize(), new long[] {1, 64}),
                    torch.ones(1, 64).to(ScalarType.Long), null);
            latents = torch.randn(1, c.inChannels(), 16, FRAMES);
            velocity = torch.randn(1, c.inChannels(), 16, FRAMES);
            timestep = torch.full(new long[] {1}, new Scalar(500.0));
            latents10s = torch.randn(1, c.inChannels(), 16, (int) (10 * 44100 / 512 / 8));
            for (Tensor t : new Tensor[] {latents, velocity, timestep, latents10s}) t.retainReference();
            codec = TinyPreset.load(ConfigFiles.defaults()).musicDcae(Devices.cpu());
            try (NoGradGuard g = new NoGradGuard()) {
                denoiser = new TransformerDenoiser(model, conditions, ErgSwitches.ALL, false);
            }
        }

        void time(int slot, long t0) {
            nanos[slot] += System.nanoTime() - t0;
            counts[slot]++;
        }

        double mean(int slot) {
            return nanos[slot] / (double) Math.max(1, counts[slot]) / 1e9;
        }

        /**
         * JMH runs each benchmark method in its own trial, so the trial of {@link #loop} measures its anchor and the
         * sampler step in-fork (a few runs each) to print the comparison from one fork.
         */
        @TearDown(Level.Trial)
        public void report() {
            if (counts[2] > 0) {
                for (int i = 0; i < 3; i++) new GenerationBenchmark().decode(this);
                for (int i = 0; i < 10; i++) new GenerationBenchmark().samplerStep(this);
                new GenerationBenchmark().latentsToAudio(this);
                double decode = mean(0), sampler = mean(1), loop = mean(2), audio = 6 * mean(3);
                int decodes = steps + steps / 2;
                System.out.printf("%n[Generation %s] decode %.3f s, sampler step %.2f ms (%.2f %% of a guided step of "
                                + "2 decodes), loop of %d steps %.2f s vs anchor %d × decode = %.2f s (%.2f×), latents "
                                + "→ audio %.1f s per minute; per minute of audio: 27 steps %.1f s, 60 steps %.1f s%n",
                        config, decode, sampler * 1e3, 100 * sampler / (2 * decode + sampler), steps, loop, decodes,
                        decodes * decode, loop / (decodes * decode), audio, 41 * decode + 27 * sampler + audio,
                        90 * decode + 60 * sampler + audio);
            }
            denoiser.close();
            model.close();
            codec.close();
            threads.close();
        }
    }

    /** One transformer decode of a one-minute latent (the anchor), ms. */
    @Benchmark
    public double decode(LoopState s) {
        try (NoGradGuard g = new NoGradGuard(); PointerScope scope = new PointerScope()) {
            long t0 = System.nanoTime();
            Tensor v = s.denoiser.predict(dev.lofilora.infer.Condition.COND, s.latents, s.timestep, 0);
            double out = v.sum().item_double();
            s.time(0, t0);
            return out;
        }
    }

    /** The sampler's own work in one guided step: APG then an Euler step with the mean shift, ms. */
    @Benchmark
    public double samplerStep(LoopState s) {
        try (PointerScope scope = new PointerScope(); MomentumBuffer mb = new MomentumBuffer();
             FlowMatchScheduler euler = SchedulerType.EULER.create(dev.lofilora.infer.sampler.FlowMatchGrid.aceStep(),
                     Devices.cpu())) {
            euler.setTimesteps(60);
            long t0 = System.nanoTime();
            Tensor guided = new Apg(mb).apply(s.velocity, s.latents, 15, 20);
            Tensor next = euler.step(guided, euler.timesteps()[20], s.latents, 10.0, NoiseSource.NONE);
            double out = next.sum().item_double();
            s.time(1, t0);
            return out;
        }
    }

    /** A 10-s latent to 48 kHz audio with the tiny preset's DCAE and vocoder, ms. */
    @Benchmark
    public double latentsToAudio(LoopState s) {
        try (NoGradGuard g = new NoGradGuard(); PointerScope scope = new PointerScope()) {
            long t0 = System.nanoTime();
            Tensor wav = dev.lofilora.infer.LatentDecoder.decode(s.codec, s.latents10s, 48000, 10, false);
            double v = wav.sum().item_double();
            s.time(3, t0);
            return v;
        }
    }

    /** The whole loop at {@code steps} Euler steps with ACE-Step's default guidance and ERG, ms. */
    @Benchmark
    public double loop(LoopState s) {
        SamplingSettings settings = new SamplingSettings(SchedulerType.EULER, s.steps, List.of(), 10.0,
                GuidanceSettings.aceStepDefaults());
        try (NoGradGuard g = new NoGradGuard(); PointerScope scope = new PointerScope();
             FlowMatchScheduler scheduler = settings.newScheduler(Devices.cpu(), ScalarType.Float)) {
            long t0 = System.nanoTime();
            Tensor out = new DenoisingLoop(scheduler, settings.guidance(), settings.omegaScale())
                    .run(s.latents, s.denoiser, NoiseSource.NONE, DenoisingLoop.Listener.NONE);
            double v = out.sum().item_double();
            s.time(2, t0);
            return v;
        }
    }
}
