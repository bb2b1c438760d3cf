package dev.lofilora.export;

import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.LofiException;
import dev.lofilora.lora.AdapterFile;
import dev.lofilora.lora.AdapterFiles;
import dev.lofilora.lora.LoraMerge;
import dev.lofilora.lora.LoraModel;
import dev.lofilora.model.frozen.FrozenComponents;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.model.tokenizer.TinyTokenizers;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepTransformerLoader;
import dev.lofilora.tensor.Devices;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The models an export is made from, loaded in float32 on the CPU: the tiny preset or an ACE-Step v1 checkpoint
 * folder, with an optional LoRA folded into the transformer first ({@link LoraMerge}, the scale meaning what
 * {@code lofi generate --lora-scale} means), plus what the exported folder needs besides the graphs: the text
 * tokenizer's {@code tokenizer.json}, the lyric vocabulary, and sha256 digests of the source files and the LoRA.
 */
final class SourceModel implements AutoCloseable {
    /** The transformer folder inside a checkpoint. */
    static final String TRANSFORMER_DIR = "ace_step_transformer";

    final ACEStepTransformer2DModel transformer;
    final FrozenComponents frozen;
    final String textTokenizerJson;
    final String lyricVocabJson;
    final Map<String, String> sourceSha256;
    final Map<String, Object> lora;
    private final AutoCloseable owner;

    private SourceModel(ACEStepTransformer2DModel transformer, AutoCloseable owner, FrozenComponents frozen,
                        String textTokenizerJson, String lyricVocabJson, Map<String, String> sha, Map<String, Object> lora) {
        this.transformer = transformer;
        this.owner = owner;
        this.frozen = frozen;
        this.textTokenizerJson = textTokenizerJson;
        this.lyricVocabJson = lyricVocabJson;
        this.sourceSha256 = sha;
        this.lora = lora;
    }

    /**
     * Loads {@code model} ("tiny" or a checkpoint folder) and folds {@code loraPath} in (null: none). A missing
     * folder, an unreadable adapter or one for another model is a {@link LofiException} naming the file.
     */
    static SourceModel load(String model, Path lyricVocab, Path loraPath, double loraScale, boolean acestepScale,
                            ConfigFiles configs) {
        Device cpu = Devices.cpu();
        ACEStepTransformer2DModel transformer;
        AutoCloseable owner;
        FrozenComponents frozen = null;
        String tokenizer;
        String vocab;
        Map<String, String> sha = new TreeMap<>();
        if (TinyPreset.isTiny(model)) {
            TinyPreset preset = TinyPreset.load(configs);
            transformer = preset.transformer(cpu, ScalarType.Float);
            owner = transformer;
            tokenizer = preset.textTokenizerJson();
            vocab = TinyTokenizers.lyricVocabJson(preset.lyricVocabSize());
            try (InputStream in = configs.open(TinyPreset.FILE)) {
                sha.put(TinyPreset.FILE, sha256(in.readAllBytes()));
            } catch (IOException e) {
                throw new LofiException(configs.describe(TinyPreset.FILE), "cannot be read: " + e.getMessage(),
                        "restore it from the project's config/");
            }
        } else {
            Path dir = Path.of(model);
            if (!Files.isDirectory(dir.resolve(TRANSFORMER_DIR))) {
                throw new LofiException(dir, Files.isDirectory(dir) ? "holds no " + TRANSFORMER_DIR + "/" : "does not exist",
                        "point --model at an ACE-Step v1 checkpoint folder, or use --model tiny");
            }
            AceStepTransformerLoader.Loaded loaded = AceStepTransformerLoader.load(dir.resolve(TRANSFORMER_DIR), cpu,
                    ScalarType.Float, false);
            transformer = loaded.model();
            owner = loaded;
            Path vocabFile = lyricVocab != null ? lyricVocab : FrozenComponents.defaultLyricVocab(dir);
            tokenizer = readText(dir.resolve(FrozenComponents.TEXT_ENCODER_DIR).resolve("tokenizer.json"));
            vocab = readText(vocabFile);
            for (String sub : List.of(TRANSFORMER_DIR, FrozenComponents.DCAE_DIR, FrozenComponents.VOCODER_DIR,
                    FrozenComponents.TEXT_ENCODER_DIR)) {
                hashFolder(dir, dir.resolve(sub), sha);
            }
            sha.put("lyric_vocab.json", sha256(vocab.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            Map<String, Object> loraInfo = loraPath == null ? null : fold(transformer, loraPath, loraScale, acestepScale);
            frozen = TinyPreset.isTiny(model) ? TinyPreset.load(configs).frozenComponents(cpu)
                    : FrozenComponents.load(Path.of(model), lyricVocab, cpu, false);
            return new SourceModel(transformer, owner, frozen, tokenizer, vocab, sha, loraInfo);
        } catch (RuntimeException e) {
            if (frozen != null) frozen.close();
            closeQuietly(owner);
            throw e;
        }
    }

    /** Folds the adapter into the transformer's weights; returns what the manifest records of it. */
    private static Map<String, Object> fold(ACEStepTransformer2DModel transformer, Path path, double scale,
                                            boolean acestepScale) {
        try (AdapterFile file = AdapterFiles.read(path)) {
            double s = LoraMerge.effectiveScale(file, scale, acestepScale);
            LoraModel lora;
            try {
                lora = file.applyTo(transformer);
            } catch (LofiException e) {
                throw e.file() != null ? e : new LofiException(path, e.problem(), e.fix(), e);
            }
            lora.setScaling(s);
            int layers = LoraMerge.mergeInto(lora);
            Map<String, Object> info = new java.util.LinkedHashMap<>();
            info.put("path", file.source().toAbsolutePath().toString());
            info.put("sha256", sha256(file.source()));
            info.put("format", file.format().name().toLowerCase(java.util.Locale.ROOT));
            info.put("scale", scale);
            info.put("scale_mode", acestepScale ? "acestep_loader" : "training");
            info.put("effective_scale", s);
            info.put("layers_merged", layers);
            return info;
        }
    }

    private static void hashFolder(Path root, Path dir, Map<String, String> out) {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile).sorted()::iterator) {
                String name = p.getFileName().toString();
                if (name.endsWith(".safetensors") || name.endsWith(".json")) out.put(root.relativize(p).toString(), sha256(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new LofiException(file, "cannot be read: " + e.getMessage(), "check its permissions");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LofiException(file, Files.exists(file) ? "cannot be read: " + e.getMessage() : "does not exist",
                    "the export needs it beside the model (tokenizer.json of umt5-base, the lyric vocabulary)");
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // already failing
        }
    }

    @Override
    public void close() {
        frozen.close();
        closeQuietly(owner);
    }
}
