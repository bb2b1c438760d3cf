package dev.lofilora.infer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.audio.io.AudioEncoder;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.tensor.Devices;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code lofi generate}: text → music with ACE-Step's pipeline ({@link Text2MusicPipeline}), one load of the model for
 * every clip of the run. For each clip {@code <out>/<name>.wav} (or {@code .flac}) and
 * {@code <out>/<name>_input_params.json} are written atomically, audio first.
 *
 * <p>Everything that can be checked is checked before the first file is written: the items (non-blank prompt, 1–240 s,
 * plain unique names), the sampling settings ({@code oss_steps} with Heun, a one-step decayed guidance window), the
 * model folders, the LoRA (format, targets, shapes) and every item's lyrics. A clip whose files exist for the same
 * settings is skipped ("unchanged"), so an interrupted run resumes; {@code force} regenerates it.
 */
public final class GenerateJob {
    private final GenerateConfig config;

    public GenerateJob(GenerateConfig config) {
        this.config = config;
    }

    public GenerateResult run(ProgressListener progress) {
        long t0 = System.nanoTime();
        check();
        try (Text2MusicPipeline pipeline = Text2MusicPipeline.open(config.model(), config.pipeline())) {
            return generateAll(pipeline, progress, t0);
        }
    }

    /**
     * As {@link #run(ProgressListener)} with a pipeline the caller opened and keeps (one load for several jobs, e.g.
     * one per LoRA checkpoint): it must be of {@code config.model()} with {@code config.pipeline()}'s LoRA applied
     * ({@link Text2MusicPipeline#setLora}), since the settings recorded for each clip are {@code config}'s.
     */
    public GenerateResult run(Text2MusicPipeline pipeline, ProgressListener progress) {
        long t0 = System.nanoTime();
        check();
        return generateAll(pipeline, progress, t0);
    }

    /**
     * Whether every clip's files exist for the same settings (and {@code force} is off), so that {@link #run} would
     * generate nothing: lets a caller skip loading the model.
     */
    public boolean upToDate() {
        if (config.force()) return false;
        for (GenerationItem item : config.items()) {
            Path audio = config.out().resolve(item.name() + "." + config.format().id());
            Path params = config.out().resolve(item.name() + "_input_params.json");
            if (!Files.isRegularFile(audio) || !sameSettings(params, settingsHash(item))) return false;
        }
        return true;
    }

    private void check() {
        for (int i = 0; i < config.items().size(); i++) config.items().get(i).check("item " + (i + 1));
        GenerationItems.checkUnique(config.items());
        config.sampling().check();
        Path out = config.out();
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new LofiException(out, "is a file, not a folder", "give --out a folder");
        }
    }

    private GenerateResult generateAll(Text2MusicPipeline pipeline, ProgressListener progress, long t0) {
        ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
        Path out = config.out();
        List<GenerateResult.Item> results = new ArrayList<>();
        for (GenerationItem item : config.items()) {
            try {
                pipeline.checkLyrics(item);
            } catch (LofiException e) {
                throw new LofiException(e.file(), "item \"" + item.name() + "\": " + e.problem(), e.fix(), e);
            }
        }
        createFolder(out);
        for (GenerationItem item : config.items()) results.add(generate(pipeline, item, listener));
        InferenceLora l = pipeline.lora();
        GenerateResult.LoraInfo lora = l == null ? null : new GenerateResult.LoraInfo(l.source().toString(),
                l.format().name().toLowerCase(java.util.Locale.ROOT), config.pipeline().loraScale(),
                l.effectiveScale(), l.mode().name().toLowerCase(java.util.Locale.ROOT), l.layers());
        return new GenerateResult(List.copyOf(results), pipeline.description(), Devices.describe(pipeline.device()),
                pipeline.dtype().value == ScalarType.BFloat16.value ? "bfloat16" : "float32", lora,
                (System.nanoTime() - t0) / 1e9);
    }

    private GenerateResult.Item generate(Text2MusicPipeline pipeline, GenerationItem item, ProgressListener listener) {
        Path audio = config.out().resolve(item.name() + "." + config.format().id());
        Path params = config.out().resolve(item.name() + "_input_params.json");
        String hash = settingsHash(item);
        if (!config.force() && Files.isRegularFile(audio) && sameSettings(params, hash)) {
            return new GenerateResult.Item(item.name(), "unchanged", audio, params, null, null, null, null, null,
                    "files of the same settings exist (use --force to regenerate)");
        }
        long seed = item.seed() != null ? item.seed() : new SecureRandom().nextLong() & 0xFFFFFFFFL;
        int iterations = iterations();
        listener.start("generate " + item.name(), iterations);
        try {
            Text2MusicPipeline.Generated g = pipeline.generate(item, seed, config.sampling(), config.erg(),
                    config.overlappedDecode(), step -> listener.advance(1, null));
            writeAudio(audio, g);
            Json.write(params, InputParams.of(config, item, g, audio.toString(), hash, pipeline));
            return new GenerateResult.Item(item.name(), "generated", audio, params, seed, g.frames(),
                    (long) g.audio().frames(), g.audio().seconds(),
                    g.encodeSeconds() + g.diffusionSeconds() + g.decodeSeconds(), null);
        } catch (LofiException | IOException e) {
            return new GenerateResult.Item(item.name(), "failed", null, null, seed, null, null, null, null,
                    e.getMessage());
        } finally {
            listener.finish();
        }
    }

    /** Loop iterations per clip (2N−1 for Heun), for the progress bar. */
    private int iterations() {
        try (var s = config.sampling().newScheduler(Devices.cpu(), ScalarType.Float)) {
            return s.timesteps().length;
        }
    }

    private void writeAudio(Path target, Text2MusicPipeline.Generated g) throws IOException {
        if (config.format() == GenerateConfig.Format.FLAC) AudioEncoder.write(target, g.audio(), AudioEncoder.Format.FLAC_24);
        else WavFile.write(target, g.audio(), 32);
    }

    /** sha256 of everything that determines a clip (a random seed counts as "random"). */
    String settingsHash(GenerationItem item) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", config.model());
        m.put("item", item);
        m.put("sampling", config.sampling());
        m.put("erg", config.erg());
        Text2MusicPipeline.Options p = config.pipeline();
        m.put("bf16", p.bf16());
        m.put("device", p.device());
        if (!p.engine().equals(Text2MusicPipeline.LIBTORCH)) m.put("engine", p.engine());
        m.put("lyric_vocab", p.lyricVocab() == null ? null : p.lyricVocab().toString());
        m.put("lora", p.lora() == null ? null : p.lora().toAbsolutePath().normalize().toString());
        m.put("lora_scale", p.loraScale());
        m.put("lora_mode", p.loraMode().name());
        m.put("format", config.format().id());
        m.put("overlapped", config.overlappedDecode());
        try {
            byte[] json = Json.MAPPER.writeValueAsBytes(m);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean sameSettings(Path params, String hash) {
        if (!Files.isRegularFile(params)) return false;
        try {
            JsonNode n = Json.MAPPER.readTree(Files.readString(params, StandardCharsets.UTF_8));
            return hash.equals(n.path("lofi_settings_sha256").asText(null));
        } catch (IOException e) {
            return false;
        }
    }

    private static void createFolder(Path out) {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new LofiException(out, "cannot be created: " + e.getMessage(), "check the path and permissions");
        }
    }
}
