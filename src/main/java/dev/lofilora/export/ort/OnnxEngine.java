package dev.lofilora.export.ort;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.LofiException;
import dev.lofilora.export.ExportLayout;
import dev.lofilora.export.graph.TransformerDecodeGraph;
import dev.lofilora.infer.DiffusionModel;
import dev.lofilora.infer.ErgHooks;
import dev.lofilora.infer.GenerationBackend;
import dev.lofilora.infer.LatentCodec;
import dev.lofilora.infer.PromptStates;
import dev.lofilora.infer.Text2MusicPipeline;
import dev.lofilora.model.codec.MusicDcaeConfig;
import dev.lofilora.model.tokenizer.HfTokenizers;
import dev.lofilora.model.tokenizer.LyricTokenizer;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.model.umt5.Umt5TextEncoder;
import dev.lofilora.tensor.Devices;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code lofi generate --engine onnx}: the text2music flow of {@link Text2MusicPipeline} — the same conditions, noise,
 * sampler classes, guidance and ERG, the same decode windows and resampling — with every model call in ONNX Runtime on
 * the graphs of an export ({@link ExportLayout}): UMT5, the transformer's encode and decode, the DCAE decoder and the
 * vocoder. ERG works through each graph's {@code erg_scale} input (the factor ACE-Step's hooks apply). The flow's
 * tensors live on the CPU; {@code --device cuda} runs the graphs on ONNX Runtime's CUDA execution provider (the
 * GPU build of the onnxruntime artifact). Precision is the export's tier, so {@code --bf16} is refused, and a LoRA is
 * folded in at export time ({@code lofi export-onnx --lora}), so {@code --lora} is refused too.
 */
public final class OnnxEngine implements GenerationBackend {
    /** The {@code --engine} name. */
    public static final String NAME = "onnx";

    /** Registered with {@link java.util.ServiceLoader} (META-INF/services). */
    public static final class Provider implements GenerationBackend.Provider {
        @Override public String engine() { return NAME; }

        @Override public GenerationBackend open(String model, Text2MusicPipeline.Options o) { return OnnxEngine.open(model, o); }
    }

    private final ExportLayout.Export export;
    private final Map<String, OrtModel> graphs;
    private final AceStepConfig config;
    private final HuggingFaceTokenizer textTokenizer;
    private final int padTokenId;
    private final LyricTokenizer lyricTokenizer;
    private final long dcaeHeadDim;
    private final Diffusion diffusion = new Diffusion();

    private OnnxEngine(ExportLayout.Export export, Map<String, OrtModel> graphs, AceStepConfig config,
                       HuggingFaceTokenizer textTokenizer, LyricTokenizer lyricTokenizer) {
        this.export = export;
        this.graphs = graphs;
        this.config = config;
        this.textTokenizer = textTokenizer;
        this.padTokenId = export.manifest().path("text_encoder").path("pad_token_id").asInt();
        this.lyricTokenizer = lyricTokenizer;
        this.dcaeHeadDim = export.manifest().path("dcae").path("attention_head_dim").asLong();
    }

    /** Opens the export in {@code dir}; everything missing or refused is a {@link LofiException} naming the file. */
    public static OnnxEngine open(String dir, Text2MusicPipeline.Options o) {
        if (o.bf16()) {
            throw new LofiException("--bf16 was given with --engine onnx",
                    "the export's tier sets the precision (lofi export-onnx --tier); drop --bf16");
        }
        if (o.lora() != null) {
            throw new LofiException(o.lora(), "a LoRA cannot be applied to an ONNX export at run time",
                    "fold it in when exporting: lofi export-onnx --lora " + o.lora());
        }
        if (o.lyricVocab() != null) {
            throw new LofiException("--lyric-vocab was given with --engine onnx",
                    "the export carries its own lyric_vocab.json; drop --lyric-vocab");
        }
        ExportLayout.Export export = ExportLayout.read(Path.of(dir));
        OrtModel.Options ort = ortOptions(o.device());
        Map<String, OrtModel> graphs = new LinkedHashMap<>();
        HuggingFaceTokenizer text = null;
        LyricTokenizer lyrics = null;
        try {
            for (String g : ExportLayout.GRAPHS) graphs.put(g, OrtModel.open(export.graph(g), ort));
            AceStepConfig config = AceStepConfig.read(export.file(ExportLayout.TRANSFORMER_CONFIG));
            text = HfTokenizers.fromJson(read(export.file(ExportLayout.TEXT_TOKENIZER)), Umt5TextEncoder.options(),
                    "the export's text tokenizer");
            lyrics = LyricTokenizer.load(export.file(ExportLayout.LYRIC_VOCAB));
            return new OnnxEngine(export, graphs, config, text, lyrics);
        } catch (RuntimeException e) {
            graphs.values().forEach(OrtModel::close);
            if (text != null) text.close();
            if (lyrics != null) lyrics.close();
            throw e;
        }
    }

    private static OrtModel.Options ortOptions(String device) {
        String d = device == null ? "auto" : device.trim().toLowerCase(java.util.Locale.ROOT);
        if (d.equals("auto") || d.equals("cpu")) return OrtModel.Options.cpu(0);
        if (d.equals("cuda")) return new OrtModel.Options(0, true, 0);
        if (d.startsWith("cuda:")) {
            try {
                return new OrtModel.Options(0, true, Integer.parseInt(d.substring(5)));
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new LofiException("unknown device \"" + device + "\"", "use auto, cpu, cuda or cuda:N");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LofiException(file, "cannot be read: " + e.getMessage(), "check its permissions");
        }
    }

    @Override public AceStepConfig config() { return config; }

    @Override public LyricTokenizer lyricTokenizer() { return lyricTokenizer; }

    @Override public DiffusionModel transformer() { return diffusion; }

    @Override public Device device() { return Devices.cpu(); }

    @Override public ScalarType dtype() { return ScalarType.Float; }

    @Override
    public String description() {
        JsonNode lora = export.manifest().path("lora");
        return "onnx export " + export.dir() + " (tier " + export.tier()
                + (lora.isObject() ? ", LoRA " + lora.path("path").asText() + " folded in at scale "
                + lora.path("effective_scale").asDouble() : "") + ")";
    }

    private static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.asText()));
        return List.copyOf(out);
    }

    /** Runs a graph, with its {@code erg_scale} input set to τ when {@code erg} (and 1 otherwise) if it has one. */
    private Map<String, Tensor> run(String graph, Map<String, Tensor> inputs, boolean erg) {
        OrtModel m = graphs.get(graph);
        if (m.hasInput(TransformerDecodeGraph.ERG_INPUT)) {
            Map<String, Tensor> with = new HashMap<>(inputs);
            with.put(TransformerDecodeGraph.ERG_INPUT, torch.full(new long[0], new Scalar(erg ? ErgHooks.TAU : 1.0)));
            return m.run(with);
        }
        return m.run(inputs);
    }

    @Override
    public PromptStates text() {
        return (prompt, ergTag) -> {
            Umt5TextEncoder.Tokens t = Umt5TextEncoder.tokenize(textTokenizer, padTokenId, List.of(prompt));
            Map<String, Tensor> in = Map.of("input_ids", t.ids(), "attention_mask", t.mask().to(ScalarType.Float));
            Tensor h = run(ExportLayout.TEXT_ENCODER, in, ergTag).get("last_hidden_state");       // [1, L, D]
            Umt5TextEncoder.Encoded e = new Umt5TextEncoder.Encoded(h, t.mask().clone());
            t.close();
            return e;
        };
    }

    /** The transformer's two graphs. */
    private final class Diffusion implements DiffusionModel {
        @Override public AceStepConfig config() { return config; }

        @Override public ScalarType dtype() { return ScalarType.Float; }

        @Override
        public List<String> ergLyricTargets() { return names(export.manifest().path("erg_targets").path("lyric")); }

        @Override
        public List<String> ergDiffusionTargets() {
            return names(export.manifest().path("erg_targets").path("diffusion"));
        }

        @Override
        public ACEStepTransformer2DModel.Encoded encode(Tensor text, Tensor textMask, Tensor speaker, Tensor lyricIds,
                                                        Tensor lyricMask, boolean ergLyric) {
            Map<String, Tensor> in = new HashMap<>();
            in.put("encoder_text_hidden_states", text);
            in.put("text_attention_mask", textMask.to(ScalarType.Float));
            in.put("speaker_embeds", speaker);
            in.put("lyric_token_idx", lyricIds.to(ScalarType.Long));
            in.put("lyric_mask", lyricMask.to(ScalarType.Float));
            Map<String, Tensor> out = run(ExportLayout.ENCODE, in, ergLyric);
            return new ACEStepTransformer2DModel.Encoded(out.get("encoder_hidden_states"), out.get("encoder_attention_mask"));
        }

        @Override
        public Tensor decode(Tensor latents, Tensor frameMask, ACEStepTransformer2DModel.Encoded encoded, Tensor timestep,
                             boolean ergDiffusion) {
            Map<String, Tensor> in = new HashMap<>();
            in.put("hidden_states", latents);
            in.put("attention_mask", frameMask);
            in.put("encoder_hidden_states", encoded.hiddenStates());
            in.put("encoder_attention_mask", encoded.mask());
            in.put("timestep", timestep);
            return run(ExportLayout.DECODE, in, ergDiffusion).get("sample");
        }
    }

    @Override
    public LatentCodec codec() {
        return new LatentCodec() {
            @Override public MusicDcaeConfig config() { return MusicDcaeConfig.ACE_STEP; }

            @Override
            public Tensor dcaeDecode(Tensor z) {
                if (z.size(2) * z.size(3) <= dcaeHeadDim) {
                    throw new LofiException("a latent of " + z.size(3) + " frames is too short for the exported DCAE "
                            + "decoder (it holds the linear-attention branch only)", "generate at least 1 s");
                }
                return graphs.get(ExportLayout.DCAE).run1(Map.of("z", z));
            }

            @Override
            public Tensor vocode(Tensor mel) {
                return graphs.get(ExportLayout.VOCODER).run1(Map.of("mel", mel));
            }
        };
    }

    @Override
    public void close() {
        graphs.values().forEach(OrtModel::close);
        textTokenizer.close();
        lyricTokenizer.close();
    }
}
