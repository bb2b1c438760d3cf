package dev.lofilora.model.frozen;

import dev.lofilora.common.LofiException;
import dev.lofilora.model.codec.CodecLoader;
import dev.lofilora.model.codec.MusicDcae;
import dev.lofilora.model.codec.MusicDcaeConfig;
import dev.lofilora.model.io.ComponentFolder;
import dev.lofilora.model.tokenizer.LyricTokenizer;
import dev.lofilora.model.umt5.Umt5TextEncoder;
import dev.lofilora.nn.Bf16Rounding;
import org.bytedeco.pytorch.Device;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ACE-Step's frozen components together — the audio codec ({@link MusicDcae}), the UMT5 text encoder with its
 * tokenizer and the lyric tokenizer — with a {@link ComponentStamp} per component ("dcae", "text_encoder",
 * "lyric_tokenizer") for the per-track cache. Built from an ACE-Step checkpoint folder by {@link #load}, or by
 * {@code TinyPreset.frozenComponents}. Owns everything; {@link #close()} frees it.
 */
public final class FrozenComponents implements AutoCloseable {
    public static final String DCAE_DIR = "music_dcae_f8c8";
    public static final String VOCODER_DIR = "music_vocoder";
    public static final String TEXT_ENCODER_DIR = "umt5-base";
    /** Where the lyric vocabulary is looked for when --lyric-vocab is not given, relative to the checkpoint folder. */
    public static final List<String> LYRIC_VOCAB_CANDIDATES = List.of("lyric_vocab.json", "vocab.json",
            "acestep/models/lyrics_utils/vocab.json", "../acestep/models/lyrics_utils/vocab.json");

    private final MusicDcae codec;
    private final Umt5TextEncoder textEncoder;
    private final LyricTokenizer lyricTokenizer;
    private final Map<String, ComponentStamp> stamps;
    private final String description;

    /** Takes ownership of the three components. */
    public FrozenComponents(MusicDcae codec, Umt5TextEncoder textEncoder, LyricTokenizer lyricTokenizer,
                            Map<String, ComponentStamp> stamps, String description) {
        this.codec = codec;
        this.textEncoder = textEncoder;
        this.lyricTokenizer = lyricTokenizer;
        this.stamps = Map.copyOf(stamps);
        this.description = description;
    }

    /**
     * The components of an ACE-Step v1 checkpoint folder ({@code music_dcae_f8c8/}, {@code music_vocoder/},
     * {@code umt5-base/} with {@code tokenizer.json}) in float32 on {@code device}.
     *
     * @param lyricVocab     the lyric vocabulary, or null for the first of {@link #LYRIC_VOCAB_CANDIDATES} that exists
     * @param roundToBf16    round the DCAE, vocoder (with the mel buffers and the 48 k → 44.1 k kernel) and UMT5
     *                       weights to bf16, as ACE-Step's trainer runs them (research/acestep.md §3.4)
     */
    public static FrozenComponents load(Path aceStepDir, Path lyricVocab, Device device, boolean roundToBf16) {
        if (!Files.isDirectory(aceStepDir)) {
            throw new LofiException(aceStepDir, Files.exists(aceStepDir) ? "is not a folder" : "does not exist",
                    "point --model at an ACE-Step v1 checkpoint folder, or use --model tiny");
        }
        ComponentFolder dcaeDir = new ComponentFolder(aceStepDir.resolve(DCAE_DIR), "the DCAE folder " + DCAE_DIR);
        ComponentFolder vocoderDir = new ComponentFolder(aceStepDir.resolve(VOCODER_DIR), "the vocoder folder " + VOCODER_DIR);
        ComponentFolder umt5Dir = new ComponentFolder(aceStepDir.resolve(TEXT_ENCODER_DIR), "the text encoder folder "
                + TEXT_ENCODER_DIR);
        Path vocab = lyricVocab != null ? lyricVocab : defaultLyricVocab(aceStepDir);
        LyricTokenizer lyrics = LyricTokenizer.load(vocab);
        MusicDcae codec = null;
        Umt5TextEncoder text = null;
        try {
            codec = CodecLoader.musicDcae(MusicDcaeConfig.ACE_STEP, dcaeDir, vocoderDir, device);
            text = Umt5TextEncoder.load(umt5Dir.dir(), device);
            if (roundToBf16) {
                Bf16Rounding.apply(codec);
                Bf16Rounding.apply(text.model());
            }
            Map<String, ComponentStamp> stamps = new LinkedHashMap<>();
            stamps.put("dcae", new ComponentStamp(hash(List.of(dcaeDir, vocoderDir), roundToBf16),
                    dcaeDims(codec)));
            stamps.put("text_encoder", new ComponentStamp(hash(List.of(umt5Dir), roundToBf16,
                    umt5Dir.dir().resolve("tokenizer.json")), textDims(text)));
            stamps.put("lyric_tokenizer", lyricStamp(lyrics));
            return new FrozenComponents(codec, text, lyrics, stamps, aceStepDir.toString()
                    + (roundToBf16 ? " (bf16-rounded weights)" : ""));
        } catch (RuntimeException e) {
            lyrics.close();
            if (codec != null) codec.close();
            if (text != null) text.close();
            throw e;
        }
    }

    /** The lyric vocabulary next to a checkpoint: the first of {@link #LYRIC_VOCAB_CANDIDATES} that exists. */
    public static Path defaultLyricVocab(Path aceStepDir) {
        List<String> tried = new ArrayList<>();
        for (String c : LYRIC_VOCAB_CANDIDATES) {
            Path p = aceStepDir.resolve(c).normalize();
            if (Files.isRegularFile(p)) return p;
            tried.add(p.toString());
        }
        throw new LofiException(aceStepDir, "has no lyric vocabulary (looked for " + String.join(", ", tried) + ")",
                "pass --lyric-vocab with ACE-Step's acestep/models/lyrics_utils/vocab.json");
    }

    public MusicDcae codec() { return codec; }

    public Umt5TextEncoder textEncoder() { return textEncoder; }

    public LyricTokenizer lyricTokenizer() { return lyricTokenizer; }

    /** "dcae", "text_encoder", "lyric_tokenizer". */
    public Map<String, ComponentStamp> stamps() { return stamps; }

    /** Where the components came from, for reports. */
    public String description() { return description; }

    /** The DCAE stamp's dimensions: latent channels and height (mel bins / compression), compression, input rate. */
    public static Map<String, Long> dcaeDims(MusicDcae codec) {
        var c = codec.dcae.config;
        return Map.of("latent_channels", (long) c.latentChannels(),
                "latent_height", (long) codec.vocoder.config.mel().nMels() / c.compression(),
                "compression", (long) c.compression(), "sample_rate", (long) codec.config.sourceSampleRate());
    }

    public static Map<String, Long> textDims(Umt5TextEncoder t) {
        return Map.of("d_model", (long) t.dModel(), "vocab_size", (long) t.model().config.vocabSize(),
                "max_length", (long) Umt5TextEncoder.MAX_LENGTH);
    }

    public static ComponentStamp lyricStamp(LyricTokenizer t) {
        return new ComponentStamp(t.hash(), Map.of("vocab_size", t.vocabSize(), "max_tokens",
                (long) LyricTokenizer.MAX_TOKENS));
    }

    /** sha256 over each folder's config.json, its safetensors header(s) and file size(s), extra files, the bf16 flag. */
    static String hash(List<ComponentFolder> folders, boolean bf16, Path... extra) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (ComponentFolder f : folders) {
                md.update(Files.readAllBytes(f.config()));
                Path w = f.weights();
                md.update(Long.toString(Files.size(w)).getBytes());
                md.update(header(w));
            }
            for (Path p : extra) md.update(Files.readAllBytes(p));
            md.update(bf16 ? (byte) 1 : (byte) 0);
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new LofiException("cannot read a component file to hash it: " + e.getMessage(), "check the checkpoint folder");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The safetensors header (8-byte length + JSON), or the whole file for an index.json. */
    private static byte[] header(Path weights) throws IOException {
        if (weights.getFileName().toString().endsWith(".json")) return Files.readAllBytes(weights);
        try (InputStream in = Files.newInputStream(weights)) {
            byte[] len = in.readNBytes(8);
            if (len.length < 8) return len;
            long n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
            return in.readNBytes((int) Math.min(Math.max(n, 0), 100_000_000));
        }
    }

    @Override
    public void close() {
        codec.close();
        textEncoder.close();
        lyricTokenizer.close();
    }
}
