package dev.lofilora.model.tiny;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.LofiException;
import dev.lofilora.model.codec.MusicDcae;
import dev.lofilora.model.codec.MusicDcaeConfig;
import dev.lofilora.model.dcae.AutoencoderDC;
import dev.lofilora.model.dcae.DcaeConfig;
import dev.lofilora.model.frozen.ComponentStamp;
import dev.lofilora.model.frozen.FrozenComponents;
import dev.lofilora.model.tokenizer.HfTokenizers;
import dev.lofilora.model.tokenizer.LyricTokenizer;
import dev.lofilora.model.tokenizer.TinyTokenizers;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.umt5.UMT5EncoderModel;
import dev.lofilora.model.umt5.Umt5Config;
import dev.lofilora.model.umt5.Umt5TextEncoder;
import dev.lofilora.model.vocoder.ADaMoSHiFiGANV1;
import dev.lofilora.model.vocoder.VocoderConfig;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.model.transformer.RandomWeights;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code tiny} model preset of DESIGN §7, read from {@code config/tiny_model.json}: every component of the
 * ACE-Step stack at toy sizes with seeded random weights, so {@code --model tiny}, {@code lofi demo} and the tests run
 * without any downloaded file. Each component has its own section (the original config's field names) and its own
 * seed offset, so adding a component never changes another's weights.
 */
public final class TinyPreset {
    public static final String FILE = "tiny_model.json";
    /** What users type for {@code --model}. */
    public static final String NAME = "tiny";

    private static final long TRANSFORMER_SEED_OFFSET = 1;
    private static final long DCAE_SEED_OFFSET = 2;
    private static final long VOCODER_SEED_OFFSET = 3;
    private static final long TEXT_ENCODER_SEED_OFFSET = 4;

    private final JsonNode root;
    private final Path source;
    private final long seed;

    private TinyPreset(JsonNode root, Path source) {
        this.root = root;
        this.source = source;
        JsonNode s = root.get("seed");
        if (s == null || !s.canConvertToLong()) throw new LofiException(source, "has no integer \"seed\"", "restore it from the project's config/");
        this.seed = s.asLong();
    }

    /** The preset from {@code configs} ({@code --config DIR} or the embedded defaults). */
    public static TinyPreset load(ConfigFiles configs) {
        return new TinyPreset(configs.readJson(FILE), configs.describe(FILE));
    }

    /** Whether a {@code --model} value names this preset rather than a folder. */
    public static boolean isTiny(String model) {
        return NAME.equals(model);
    }

    /** The base seed; each component draws its weights from {@code seed + its offset}. */
    public long seed() { return seed; }

    /** One component's section, e.g. {@code "transformer"}; a {@link LofiException} when absent. */
    public JsonNode section(String name) {
        JsonNode n = root.get(name);
        if (n == null || !n.isObject()) {
            throw new LofiException(source, "has no \"" + name + "\" section", "restore it from the project's config/");
        }
        return n;
    }

    /** The transformer's config (with its lyric encoder). */
    public AceStepConfig transformerConfig() {
        return AceStepConfig.parse(section("transformer"), source);
    }

    /** A tiny transformer with its seeded random weights, on {@code device} in {@code dtype}, in eval mode. */
    public ACEStepTransformer2DModel transformer(Device device, ScalarType dtype) {
        ACEStepTransformer2DModel model = new ACEStepTransformer2DModel(transformerConfig(), false);
        Map<String, Tensor> weights = RandomWeights.stateDict(model, seed + TRANSFORMER_SEED_OFFSET);
        try {
            model.loadStateDict(weights.keySet(), k -> new Tensor(weights.get(k)), device, dtype, true);
        } finally {
            weights.values().forEach(Tensor::close);
        }
        model.train(false);
        return model;
    }

    // ---- the frozen components (dcae, vocoder, text_encoder, lyric_tokenizer) ---------------------------------

    public DcaeConfig dcaeConfig() { return DcaeConfig.parse(section("dcae"), source); }

    public VocoderConfig vocoderConfig() { return VocoderConfig.parse(section("vocoder"), source); }

    public Umt5Config textEncoderConfig() { return Umt5Config.parse(section("text_encoder"), source); }

    /** The tiny lyric vocabulary's size (every tiny lyric id is below it). */
    public int lyricVocabSize() {
        JsonNode n = section("lyric_tokenizer").get("vocab_size");
        if (n == null || !n.canConvertToInt()) {
            throw new LofiException(source, "lyric_tokenizer has no integer vocab_size", "restore it from the project's config/");
        }
        return n.asInt();
    }

    /** A tiny DC-AE with seeded weights (eval mode, float32). */
    public AutoencoderDC dcae(Device device) {
        AutoencoderDC m = new AutoencoderDC(dcaeConfig());
        SeededWeights.fill(m, seed + DCAE_SEED_OFFSET, device);
        return m;
    }

    /** A tiny vocoder with seeded weights; its log-mel buffers are the real front end's. */
    public ADaMoSHiFiGANV1 vocoder(Device device) {
        ADaMoSHiFiGANV1 m = new ADaMoSHiFiGANV1(vocoderConfig());
        SeededWeights.fill(m, seed + VOCODER_SEED_OFFSET, device);
        return m;
    }

    /** The tiny audio codec: 48 kHz stereo ↔ latents [8, 16, T], T as for the real model. */
    public MusicDcae musicDcae(Device device) {
        MusicDcae codec = new MusicDcae(MusicDcaeConfig.ACE_STEP, dcae(device), vocoder(device));
        codec.to(device, ScalarType.Float);
        codec.train(false);
        return codec;
    }

    /** The tiny UMT5 encoder (d_model = the transformer's text_embedding_dim) with its project-built tokenizer. */
    public Umt5TextEncoder textEncoder(Device device) {
        UMT5EncoderModel m = new UMT5EncoderModel(textEncoderConfig());
        SeededWeights.fill(m, seed + TEXT_ENCODER_SEED_OFFSET, device);
        return new Umt5TextEncoder(m, HfTokenizers.fromJson(textTokenizerJson(), Umt5TextEncoder.options(),
                "tiny text tokenizer"), device);
    }

    /** The tiny text tokenizer's tokenizer.json text. */
    public String textTokenizerJson() {
        return TinyTokenizers.textTokenizerJson(textEncoderConfig().vocabSize());
    }

    /** The tiny lyric tokenizer (ACE-Step's scheme, every id below {@link #lyricVocabSize()}). */
    public LyricTokenizer lyricTokenizer() {
        return LyricTokenizer.fromJson(TinyTokenizers.lyricVocabJson(lyricVocabSize()), "tiny preset");
    }

    /** Every frozen component of the preset, stamped with hashes of the seeded sections. */
    public FrozenComponents frozenComponents(Device device) {
        checkFrozenDimensions();
        MusicDcae codec = musicDcae(device);
        Umt5TextEncoder text = null;
        LyricTokenizer lyrics = null;
        try {
            text = textEncoder(device);
            lyrics = lyricTokenizer();
            Map<String, ComponentStamp> stamps = new LinkedHashMap<>();
            stamps.put("dcae", new ComponentStamp(sectionHash(DCAE_SEED_OFFSET, "dcae", "vocoder"),
                    FrozenComponents.dcaeDims(codec)));
            stamps.put("text_encoder", new ComponentStamp(sectionHash(TEXT_ENCODER_SEED_OFFSET, "text_encoder"),
                    FrozenComponents.textDims(text)));
            stamps.put("lyric_tokenizer", FrozenComponents.lyricStamp(lyrics));
            return new FrozenComponents(codec, text, lyrics, stamps, "tiny preset (" + source + ")");
        } catch (RuntimeException e) {
            codec.close();
            if (text != null) text.close();
            if (lyrics != null) lyrics.close();
            throw e;
        }
    }

    /**
     * The frozen components fit the tiny transformer: UMT5 d_model = text_embedding_dim, latent channels = in_channels,
     * mel bins / compression = max_height, lyric ids below lyric_encoder_vocab_size.
     */
    public void checkFrozenDimensions() {
        AceStepConfig t = transformerConfig();
        DcaeConfig d = dcaeConfig();
        VocoderConfig v = vocoderConfig();
        StringBuilder bad = new StringBuilder();
        if (textEncoderConfig().dModel() != t.textEmbeddingDim()) bad.append("text_encoder.d_model != transformer.text_embedding_dim; ");
        if (d.latentChannels() != t.inChannels()) bad.append("dcae.latent_channels != transformer.in_channels; ");
        if (v.mel().nMels() / d.compression() != t.maxHeight()) bad.append("vocoder.n_mels / dcae compression != transformer.max_height; ");
        if (d.compression() != 8) bad.append("the DCAE must compress 8x like the real one (4 stages); ");
        if (d.inChannels() != 2) bad.append("dcae.in_channels must be 2 (stereo); ");
        if (lyricVocabSize() > t.lyricEncoderVocabSize()) bad.append("lyric_tokenizer.vocab_size > transformer.lyric_encoder_vocab_size; ");
        if (bad.length() > 0) {
            throw new LofiException(source, "the tiny components do not fit together: " + bad.substring(0, bad.length() - 2),
                    "restore config/tiny_model.json from the project");
        }
    }

    /** sha256 of the base seed, a seed offset and the named sections' JSON (what the seeded weights depend on). */
    private String sectionHash(long offset, String... sections) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(Long.toString(seed + offset).getBytes(StandardCharsets.UTF_8));
            for (String s : sections) md.update(section(s).toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
