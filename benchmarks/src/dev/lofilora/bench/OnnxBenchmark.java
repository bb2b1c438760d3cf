package dev.lofilora.bench;

import dev.lofilora.export.ExportFixtures;
import dev.lofilora.export.ExportLayout;
import dev.lofilora.export.Tier;
import dev.lofilora.export.graph.DcaeDecoderGraph;
import dev.lofilora.export.graph.Emitter;
import dev.lofilora.export.graph.Precision;
import dev.lofilora.export.graph.QuantOptions;
import dev.lofilora.export.graph.TransformerDecodeGraph;
import dev.lofilora.export.graph.TransformerEncodeGraph;
import dev.lofilora.export.graph.Umt5Graph;
import dev.lofilora.export.graph.VocoderGraph;
import dev.lofilora.export.onnx.GraphBuilder;
import dev.lofilora.export.ort.OrtModel;
import dev.lofilora.model.codec.MusicDcae;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.umt5.UMT5EncoderModel;
import dev.lofilora.nn.Capture;
import dev.lofilora.nn.Module;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Per-part CPU latency of the exported graphs in ONNX Runtime at every tier against the libtorch module (the anchor,
 * {@code engine = libtorch}) for the mid-size config of {@link ExportFixtures} (the transformer of
 * {@link TransformerForwardBenchmark}), one thread on both sides (ATen and OpenBLAS; ONNX Runtime intra- and inter-op),
 * batch 1:
 * <ul>
 *   <li>text_encoder: UMT5 (width 384, 4 layers) on 32 tokens;</li>
 *   <li>transformer_encode: 32 text + 64 lyric tokens;</li>
 *   <li>transformer_decode: one denoising call on T = 256 latent frames (24 s) against that condition;</li>
 *   <li>dcae_decoder: 64 latent frames → mel [1, 2, 128, 512]; vocoder: 512 mel frames → 262,144 samples.</li>
 * </ul>
 * The setup exports the part at the tier's precision for its component ({@link Tier#precisionOf}: audio parts stay at
 * fp16 storage under int8/int4) and the tear-down prints the graph's size and its max error relative to libtorch, so
 * one run gives the README's table: part × tier → latency, size, error.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-Dorg.bytedeco.javacpp.maxBytes=0"})
public class OnnxBenchmark {
    @State(Scope.Thread)
    public static class Part {
        @Param({"text_encoder", "transformer_encode", "transformer_decode", "dcae_decoder", "vocoder"})
        String part;

        /** {@code libtorch} (the module) or the tier of the exported graph. */
        @Param({"libtorch", "fp32", "fp16", "int8", "int4"})
        String engine;

        Module root;
        AutoCloseable owner;
        Map<String, Tensor> inputs = new HashMap<>();
        Supplier<Tensor> reference;
        OrtModel onnx;
        long bytes;
        Path dir;
        dev.lofilora.tensor.Threads threads;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            threads = dev.lofilora.tensor.Threads.limit(1);   // ATen and OpenBLAS's own pool: one thread each
            Generator g = torch.createCPUGenerator(7);
            TensorOptions f32 = new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Float));
            TensorOptions i64 = new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Long));
            Consumer<Emitter> build;
            Tier.Component component = ExportLayout.component(part);
            switch (part) {
                case ExportLayout.TEXT_ENCODER -> {
                    UMT5EncoderModel m = ExportFixtures.midUmt5(4);
                    root = m;
                    owner = m;
                    put("input_ids", torch.randint(2, 2048, new long[] {1, 32}, new GeneratorOptional(g), i64));
                    put("attention_mask", torch.ones(new long[] {1, 32}, f32));
                    reference = () -> m.forward(inputs.get("input_ids"), inputs.get("attention_mask"));
                    build = e -> Umt5Graph.build(e, m, Set.of());
                }
                case ExportLayout.ENCODE, ExportLayout.DECODE -> {
                    ACEStepTransformer2DModel m = ExportFixtures.transformer(ExportFixtures.midTransformerConfig(), 42);
                    root = m;
                    owner = m;
                    put("encoder_text_hidden_states", torch.randn(new long[] {1, 32, 768}, new GeneratorOptional(g), f32));
                    put("text_attention_mask", torch.ones(new long[] {1, 32}, f32));
                    put("speaker_embeds", torch.zeros(new long[] {1, 512}, f32));
                    put("lyric_token_idx", torch.randint(1, 6693, new long[] {1, 64}, new GeneratorOptional(g), i64));
                    put("lyric_mask", torch.ones(new long[] {1, 64}, f32));
                    Supplier<ACEStepTransformer2DModel.Encoded> enc = () -> m.encode(inputs.get("encoder_text_hidden_states"),
                            inputs.get("text_attention_mask"), inputs.get("speaker_embeds"), inputs.get("lyric_token_idx"),
                            inputs.get("lyric_mask"), Capture.NONE);
                    if (part.equals(ExportLayout.ENCODE)) {
                        reference = () -> enc.get().hiddenStates();
                        build = e -> TransformerEncodeGraph.build(e, m, Set.of());
                    } else {
                        ACEStepTransformer2DModel.Encoded c;
                        try (NoGradGuard ng = new NoGradGuard()) {
                            c = enc.get();
                        }
                        inputs.clear();
                        put("hidden_states", torch.randn(new long[] {1, 8, 16, 256}, new GeneratorOptional(g), f32));
                        put("attention_mask", torch.ones(new long[] {1, 256}, f32));
                        put("encoder_hidden_states", c.hiddenStates());
                        put("encoder_attention_mask", c.mask());
                        put("timestep", torch.full(new long[] {1}, new Scalar(500.0), f32));
                        reference = () -> m.decode(inputs.get("hidden_states"), inputs.get("attention_mask"),
                                new ACEStepTransformer2DModel.Encoded(inputs.get("encoder_hidden_states"),
                                        inputs.get("encoder_attention_mask")), inputs.get("timestep"), false, 256,
                                Capture.NONE).sample();
                        build = e -> TransformerDecodeGraph.build(e, m, Set.of());
                    }
                }
                default -> {
                    MusicDcae codec = ExportFixtures.midCodec();
                    owner = codec;
                    if (part.equals(ExportLayout.DCAE)) {
                        root = codec.dcae;
                        put("z", torch.randn(new long[] {1, 8, 16, 64}, new GeneratorOptional(g), f32));
                        reference = () -> codec.dcae.decode(inputs.get("z"));
                        build = e -> DcaeDecoderGraph.build(e, codec.dcae);
                    } else {
                        root = codec.vocoder;
                        put("mel", torch.randn(new long[] {1, 128, 512}, new GeneratorOptional(g), f32).mul(new Scalar(2))
                                .sub(new Scalar(5)));
                        reference = () -> codec.vocoder.decode(inputs.get("mel"));
                        build = e -> VocoderGraph.build(e, codec.vocoder);
                    }
                }
            }
            if (!engine.equals("libtorch")) {
                Precision precision = Tier.parse(engine).precisionOf(component);
                dir = Files.createTempDirectory("onnx-bench");
                GraphBuilder.Written w;
                try (GraphBuilder b = new GraphBuilder(dir, part)) {
                    build.accept(new Emitter(b, root, precision, QuantOptions.DEFAULT));
                    w = b.finish();
                }
                bytes = w.modelBytes() + w.weightBytes();
                onnx = OrtModel.open(w.model(), OrtModel.Options.cpu(1));
            }
        }

        private void put(String name, Tensor t) {
            t.retainReference();
            inputs.put(name, t);
        }

        double run() {
            try (NoGradGuard g = new NoGradGuard(); PointerScope scope = new PointerScope()) {
                Tensor out = onnx == null ? reference.get() : onnx.run(inputs).values().iterator().next();
                return out.numel();
            }
        }

        @TearDown(Level.Trial)
        public void report() throws Exception {
            if (onnx != null) {
                try (NoGradGuard g = new NoGradGuard(); PointerScope scope = new PointerScope()) {
                    Tensor ref = reference.get();
                    Tensor out = onnx.run(inputs).values().iterator().next();
                    double rel = Tensors.maxAbsDiff(out, ref) / Tensors.maxAbs(ref);
                    System.out.printf("%n[OnnxBenchmark] %s %s: %.2f MB, max rel error vs libtorch %.2e%n", part, engine,
                            bytes / 1e6, rel);
                }
                onnx.close();
                try (var s = Files.walk(dir)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            owner.close();
            threads.close();
        }
    }

    /** One call of the part, ms. */
    @Benchmark
    public double call(Part p) {
        return p.run();
    }
}
