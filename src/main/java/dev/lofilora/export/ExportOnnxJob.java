package dev.lofilora.export;

import dev.lofilora.common.AtomicFiles;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
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
import dev.lofilora.infer.ErgHooks;
import dev.lofilora.nn.Module;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code lofi export-onnx}: the four components of ACE-Step (UMT5, the transformer as {@code encode} + one
 * {@code decode} call, the DCAE decoder, the vocoder) as ONNX graphs written from the project's module trees
 * ({@link ExportLayout}), at a {@link Tier}, optionally with a LoRA folded in first, each graph then loaded in ONNX
 * Runtime and measured against the libtorch module on the same inputs ({@link PartCheck}); everything goes into
 * {@code manifest.json}.
 *
 * <p>Everything that can be refused is refused before a model is loaded (unknown tier, a component that must not take
 * the asked precision, an existing {@code --out}); the export is built in a temporary sibling folder and renamed into
 * place when complete, so a failure or an interruption leaves nothing half-written.
 */
public final class ExportOnnxJob {
    /**
     * @param model            "tiny" or an ACE-Step v1 checkpoint folder
     * @param lyricVocab       the lyric vocabulary (null: beside the checkpoint)
     * @param lora             an adapter to fold in first, or null
     * @param loraScale        its scale ({@code lofi generate --lora-scale}'s meaning: 1.0 = as trained)
     * @param acestepLoraScale the scale as ACE-Step's loader applies it
     * @param tier             fp32, fp16, int8 or int4
     * @param precision        per-component overrides ("text_encoder" → "fp32", …); may be empty
     * @param quant            the quantised tiers' choices
     * @param out              the folder to create
     * @param force            replace an existing folder
     * @param verify           measure every graph against libtorch (the manifest's errors)
     * @param verifyFrames     latent frames of the verification inputs
     * @param threads          ONNX Runtime threads for the verification (0 = its default)
     * @param configs          where the tiny preset is read from
     */
    public record Config(String model, Path lyricVocab, Path lora, double loraScale, boolean acestepLoraScale, Tier tier,
                         Map<String, String> precision, QuantOptions quant, Path out, boolean force, boolean verify,
                         int verifyFrames, int threads, ConfigFiles configs) {
        public Config {
            precision = precision == null ? Map.of() : Map.copyOf(precision);
            quant = quant == null ? QuantOptions.DEFAULT : quant;
        }

        /** A verified export of {@code model} at {@code tier} into {@code out} with the defaults. */
        public static Config of(String model, Tier tier, Path out, ConfigFiles configs) {
            return new Config(model, null, null, 1.0, false, tier, Map.of(), QuantOptions.DEFAULT, out, false, true, 16, 0,
                    configs);
        }

        public Config withLora(Path file, double scale) {
            return new Config(model, lyricVocab, file, scale, acestepLoraScale, tier, precision, quant, out, force,
                    verify, verifyFrames, threads, configs);
        }

        public Config withPrecision(Map<String, String> p) {
            return new Config(model, lyricVocab, lora, loraScale, acestepLoraScale, tier, p, quant, out, force, verify,
                    verifyFrames, threads, configs);
        }
    }

    /** One graph written. */
    public record Part(String name, String component, String precision, long bytes, int nodes, PartCheck error) {}

    /** What was written. */
    public record Result(Path out, String tier, List<Part> parts, long bytes, double seconds) {}

    private final Config config;

    public ExportOnnxJob(Config config) { this.config = config; }

    /** The precision of each component: the tier's, then the overrides (refused with the reason when not allowed). */
    public static Map<Tier.Component, Precision> plan(Tier tier, Map<String, String> overrides) {
        Map<Tier.Component, Precision> plan = new EnumMap<>(Tier.Component.class);
        for (Tier.Component c : Tier.Component.values()) plan.put(c, tier.precisionOf(c));
        overrides.forEach((k, v) -> {
            Tier.Component c = Tier.Component.parse(k);
            plan.put(c, c.override(Tier.parse(v)));
        });
        return plan;
    }

    public Result run(ProgressListener progress) {
        ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
        long t0 = System.nanoTime();
        if (config.tier() == null) throw new LofiException("no --tier given", "use fp32, fp16, int8 or int4");
        Map<Tier.Component, Precision> plan = plan(config.tier(), config.precision());
        Path out = config.out();
        if (out == null) throw new LofiException("no --out folder given", "pass --out <dir>");
        if (Files.exists(out) && !config.force()) {
            throw new LofiException(out, "exists", "choose another --out or pass --force to replace it");
        }
        if (config.verifyFrames() < 3) throw new LofiException("--verify-frames must be ≥ 3", "e.g. 16");
        Path tmp = out.toAbsolutePath().getParent().resolve("." + out.getFileName() + ".lofi-"
                + ProcessHandle.current().pid() + ".tmp");
        deleteTree(tmp);
        boolean done = false;
        try (NoGradGuard g = new NoGradGuard();
             SourceModel src = SourceModel.load(config.model(), config.lyricVocab(), config.lora(), config.loraScale(),
                     config.acestepLoraScale(), config.configs())) {
            Files.createDirectories(tmp);
            List<Part> parts = new ArrayList<>();
            listener.start("export " + config.tier().id(), ExportLayout.GRAPHS.size());
            for (String graph : ExportLayout.GRAPHS) {
                Tier.Component comp = ExportLayout.component(graph);
                parts.add(export(graph, plan.get(comp), src, tmp));
                listener.advance(1, graph);
            }
            listener.finish();
            writeSidecars(src, tmp);
            Json.write(tmp.resolve(ExportLayout.MANIFEST), manifest(src, plan, parts, tmp));
            if (Files.exists(out)) deleteTree(out);
            Files.move(tmp, out, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            done = true;
            long bytes = parts.stream().mapToLong(Part::bytes).sum();
            return new Result(out, config.tier().id(), parts, bytes, (System.nanoTime() - t0) / 1e9);
        } catch (IOException e) {
            throw new LofiException(out, "cannot be written: " + e.getMessage(), "check the path, free space and permissions");
        } finally {
            if (!done) deleteTree(tmp);
        }
    }

    private Part export(String graph, Precision precision, SourceModel src, Path dir) {
        Module root = switch (graph) {
            case ExportLayout.TEXT_ENCODER -> src.frozen.textEncoder().model();
            case ExportLayout.ENCODE, ExportLayout.DECODE -> src.transformer;
            case ExportLayout.DCAE -> src.frozen.codec().dcae;
            default -> src.frozen.codec().vocoder;
        };
        GraphBuilder.Written w;
        int linears;
        try (PointerScope scope = new PointerScope(); GraphBuilder b = new GraphBuilder(dir, graph)) {
            Emitter e = new Emitter(b, root, precision, config.quant());
            switch (graph) {
                case ExportLayout.TEXT_ENCODER -> Umt5Graph.build(e, src.frozen.textEncoder().model(),
                        Set.copyOf(ErgHooks.tagTargets(src.frozen.textEncoder().model())));
                case ExportLayout.ENCODE -> TransformerEncodeGraph.build(e, src.transformer,
                        Set.copyOf(ErgHooks.lyricTargets(src.transformer)));
                case ExportLayout.DECODE -> TransformerDecodeGraph.build(e, src.transformer,
                        Set.copyOf(ErgHooks.diffusionTargets(src.transformer)));
                case ExportLayout.DCAE -> DcaeDecoderGraph.build(e, src.frozen.codec().dcae);
                default -> VocoderGraph.build(e, src.frozen.codec().vocoder);
            }
            b.metadata("lofi.part", graph);
            b.metadata("lofi.precision", precision.id());
            w = b.finish();
            linears = e.linearCount();
        }
        PartCheck check = null;
        if (config.verify()) {
            try (OrtModel m = OrtModel.open(w.model(), OrtModel.Options.cpu(config.threads()))) {
                check = PartCheck.run(graph, m, src, config.verifyFrames());
            }
        }
        String desc = precision.description() + (linears > 0 && precision != Precision.FP32 ? " (" + linears
                + " linear layers)" : "");
        return new Part(graph, ExportLayout.component(graph).id, desc, w.modelBytes() + w.weightBytes(), w.nodes(), check);
    }

    private void writeSidecars(SourceModel src, Path dir) throws IOException {
        Json.write(dir.resolve(ExportLayout.TRANSFORMER_CONFIG), src.transformer.config.toJson());
        AtomicFiles.writeString(dir.resolve(ExportLayout.TEXT_TOKENIZER), src.textTokenizerJson);
        AtomicFiles.writeString(dir.resolve(ExportLayout.LYRIC_VOCAB), src.lyricVocabJson);
    }

    private Map<String, Object> manifest(SourceModel src, Map<Tier.Component, Precision> plan, List<Part> parts,
                                         Path dir) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", ExportLayout.FORMAT);
        m.put("format_version", ExportLayout.FORMAT_VERSION);
        m.put("tier", config.tier().id());
        m.put("opset", GraphBuilder.OPSET);
        m.put("ir_version", GraphBuilder.IR_VERSION);
        m.put("producer", "lofi-lora 0.1.0");
        Map<String, Object> precision = new LinkedHashMap<>();
        plan.forEach((c, p) -> precision.put(c.id, p.id()));
        m.put("precision", precision);
        Map<String, Object> quant = new LinkedHashMap<>();
        quant.put("int4_block_size", Emitter.INT4_BLOCK);
        quant.put("int4_symmetric", config.quant().int4Symmetric());
        quant.put("int8_weights", config.quant().int8Signed() ? "int8 symmetric per channel" : "uint8 asymmetric per channel");
        m.put("quantisation", quant);
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("model", dev.lofilora.model.tiny.TinyPreset.isTiny(config.model()) ? "tiny"
                : Path.of(config.model()).toAbsolutePath().toString());
        source.put("sha256", src.sourceSha256);
        m.put("source", source);
        m.put("lora", src.lora);
        var umt5 = src.frozen.textEncoder().model().config;
        m.put("text_encoder", Map.of("pad_token_id", umt5.padTokenId(), "d_model", umt5.dModel()));
        var dcae = src.frozen.codec().dcae.config;
        m.put("dcae", Map.of("attention_head_dim", dcae.attentionHeadDim(), "latent_channels", dcae.latentChannels()));
        Map<String, Object> erg = new LinkedHashMap<>();
        erg.put("tag", ErgHooks.tagTargets(src.frozen.textEncoder().model()));
        erg.put("lyric", ErgHooks.lyricTargets(src.transformer));
        erg.put("diffusion", ErgHooks.diffusionTargets(src.transformer));
        m.put("erg_targets", erg);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Part p : parts) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", p.name());
            e.put("component", p.component());
            e.put("precision", p.precision());
            Map<String, Long> files = new LinkedHashMap<>();
            for (String ext : List.of(".onnx", ".bin")) files.put(p.name() + ext, Files.size(dir.resolve(p.name() + ext)));
            e.put("files", files);
            e.put("bytes", p.bytes());
            e.put("nodes", p.nodes());
            if (p.error() != null) {
                Map<String, Object> err = new LinkedHashMap<>();
                err.put("reference", "libtorch float32 module");
                err.put("max_abs", p.error().maxAbs());
                err.put("max_rel", p.error().maxRel());
                err.put("reference_max_abs", p.error().reference());
                err.put("inputs", p.error().inputs());
                e.put("error", err);
            }
            list.add(e);
        }
        m.put("parts", list);
        return m;
    }

    static void deleteTree(Path p) {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
