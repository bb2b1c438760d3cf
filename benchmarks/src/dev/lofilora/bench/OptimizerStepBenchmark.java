package dev.lofilora.bench;

import dev.lofilora.common.ConfigFiles;
import dev.lofilora.lora.LoraConfig;
import dev.lofilora.lora.LoraModel;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.nn.Parameter;
import dev.lofilora.tensor.Threads;
import dev.lofilora.train.AdamW;
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

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The AdamW update over the released adapter's 422 LoRA tensors (211 layers of the 3.5B config, ACE-Step's targets),
 * in the per-tensor Python form ({@code foreach=false}: ~7 JNI calls per tensor) and as ATen {@code _foreach_*} calls
 * through the dispatcher ({@code foreach=true}: 9 boxed calls), on the CPU, one thread. The rank is a parameter: 8
 * keeps the 422 tensors' data small (8.4 M values) so the figure shows the per-tensor call overhead; 256 is the
 * released size (262 M values, 4.2 GB of parameters, gradients and moments — run it on a machine with the memory).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-Dorg.bytedeco.javacpp.maxBytes=0"})
public class OptimizerStepBenchmark {
    @State(Scope.Thread)
    public static class OptState {
        @Param({"8"})
        int rank;

        @Param({"false", "true"})
        boolean foreach;

        ACEStepTransformer2DModel meta;
        LoraModel lora;
        AdamW opt;
        Threads threads;

        @Setup(Level.Trial)
        public void setUp() {
            threads = Threads.limit(1);
            AceStepConfig released = AceStepConfig.parse(ConfigFiles.defaults().readJson("acestep_v1_transformer.json"), null);
            meta = new ACEStepTransformer2DModel(released, false); // the base stays on meta: only the adapter is allocated
            lora = LoraModel.inject(meta, LoraConfig.read(ConfigFiles.defaults()).withRank(rank, 32));
            lora.initialize(1, ScalarType.Float, dev.lofilora.tensor.Devices.cpu());
            torch.manual_seed(1);
            for (Parameter p : lora.parameters().values()) {
                p.value().mutable_grad().put(torch.randn(p.shape()).mul(new Scalar(1e-3)));
            }
            if (lora.parameters().size() != 422) throw new IllegalStateException("expected 422 LoRA tensors");
            opt = new AdamW(lora.parameters(), AdamW.Options.acestep(), foreach);
            opt.step(1e-4);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            opt.close();
            lora.close();
            meta.close();
            threads.close();
        }
    }

    /** One optimiser step over the 422 tensors (ms). */
    @Benchmark
    public long step(OptState s) {
        try (PointerScope scope = new PointerScope()) {
            s.opt.step(1e-4);
        }
        return s.opt.step(0);
    }
}
