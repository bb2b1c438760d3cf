package dev.lofilora.metrics.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.infer.ErgSwitches;
import dev.lofilora.infer.GenerateConfig;
import dev.lofilora.infer.GenerateJob;
import dev.lofilora.infer.GenerateResult;
import dev.lofilora.infer.GenerationItem;
import dev.lofilora.infer.InferenceLora;
import dev.lofilora.infer.SamplingSettings;
import dev.lofilora.infer.Text2MusicPipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The generation half of {@code lofi validate --run}: renders the seeded validation prompt set with each chosen
 * checkpoint as the LoRA ({@link GenerateJob}), into {@code <out>/generated/<label>/} — {@code <id>.wav} and
 * {@code <id>_input_params.json} per clip, then the {@code prompts.json} that pairs them for scoring.
 *
 * <p>The base model is loaded once, and only when some clip is missing; each checkpoint's adapter is swapped in
 * ({@link Text2MusicPipeline#setLora}). Resumable at two levels: {@code generation.json} records the checkpoint's adapter hash and every setting the
 * clips depend on, and a folder made for another hash or other settings is cleared first; within a folder
 * {@link GenerateJob} skips each clip whose files exist for the same settings, so an interrupted run keeps every
 * finished clip (each written atomically, audio before its parameters file). {@code prompts.json} is written last, so
 * a folder is only scoreable once every clip is there.
 */
final class RunGeneration {
    static final String GENERATED = "generated";
    static final String MARKER = "generation.json";
    static final String INSTRUMENTAL = "[instrumental]";
    /** Audio seconds per latent frame (DCAE ×8 over mel hop 512 at 44.1 kHz). */
    static final double LATENT_FRAME_SECONDS = 512.0 * 8 / 44100;

    private RunGeneration() {}

    /** Everything that determines the clips of one checkpoint; a change clears the folder. */
    record Key(String model, String checkpoint, String checkpointSha256, double seconds, GenerationSettings settings,
               String device, List<PromptSet.Entry> prompts) {}

    /**
     * Generates for each checkpoint; returns the folder per checkpoint and what was done. {@code lyricsDir}: where
     * each prompt's source track's {@code <id>_lyrics.txt} is looked up (absent: instrumental).
     */
    static List<ValidateResult.Generation> run(RunCheckpoints run, PromptSet prompts, GenerationSettings g,
                                               SamplingSettings sampling, double seconds, String device,
                                               Path lyricsDir, Path out, ConfigFiles configs, ProgressListener p) {
        List<GenerationItem> items = new ArrayList<>();
        double duration = duration(seconds);
        for (PromptSet.Entry e : prompts.clips()) {
            items.add(new GenerationItem(e.id(), e.prompt(), lyrics(lyricsDir, e.source()), duration, e.seed()));
        }
        List<GenerateJob> jobs = new ArrayList<>();
        for (RunCheckpoints.Checkpoint ck : run.checkpoints()) {
            Path dir = out.resolve(GENERATED).resolve(ck.label());
            prepare(dir, new Key(run.model(), ck.dir().toAbsolutePath().normalize().toString(), ck.sha256(), seconds, g,
                    device, prompts.clips()));
            jobs.add(new GenerateJob(new GenerateConfig(run.model(), items, sampling, ErgSwitches.ALL, options(g,
                    device, ck.dir(), configs), dir, GenerateConfig.Format.WAV, false, false)));
        }
        List<ValidateResult.Generation> done = new ArrayList<>();
        Text2MusicPipeline pipeline = null;
        try {
            for (int i = 0; i < jobs.size(); i++) {
                RunCheckpoints.Checkpoint ck = run.checkpoints().get(i);
                Path dir = out.resolve(GENERATED).resolve(ck.label());
                long t0 = System.nanoTime();
                int generated = 0;
                if (!jobs.get(i).upToDate()) {
                    // one load of the base model for the whole run; each checkpoint's adapter swapped in
                    if (pipeline == null) pipeline = Text2MusicPipeline.open(run.model(), options(g, device, null, configs));
                    pipeline.setLora(ck.dir(), g.loraScale(), InferenceLora.ScaleMode.TRAINING);
                    GenerateResult r = jobs.get(i).run(pipeline, p);
                    List<String> failed = r.items().stream().filter(x -> x.status().equals("failed"))
                            .map(x -> x.name() + ": " + x.message()).toList();
                    if (!failed.isEmpty()) {
                        throw new LofiException(dir, failed.size() + " clip(s) could not be generated with "
                                + ck.label() + ": " + String.join("; ", failed),
                                "fix the cause and re-run: finished clips are kept");
                    }
                    generated = (int) r.items().stream().filter(x -> x.status().equals("generated")).count();
                }
                try {
                    prompts.write(dir);
                } catch (IOException e) {
                    throw new LofiException(dir, "cannot be written: " + e.getMessage(), "check the folder is writable", e);
                }
                done.add(new ValidateResult.Generation(ck.label(), ck.step(), ck.dir().toString(), ck.sha256(),
                        dir.toString(), generated, items.size() - generated, (System.nanoTime() - t0) / 1e9));
            }
        } finally {
            if (pipeline != null) pipeline.close();
        }
        return done;
    }

    private static Text2MusicPipeline.Options options(GenerationSettings g, String device, Path lora, ConfigFiles c) {
        return new Text2MusicPipeline.Options(device, g.bf16(), null, lora, g.loraScale(),
                InferenceLora.ScaleMode.TRAINING, c);
    }

    /**
     * The duration asked of the pipeline for clips scored over {@code seconds}: ACE-Step's latent has
     * {@code int(duration·44100/4096)} frames, which rounds the audio down (2 s gives 1.95 s, 30 s gives 29.99 s), so
     * one latent frame (4096/44100 s, 93 ms) more is asked and the scorer cuts the clip to {@code seconds}.
     */
    static double duration(double seconds) {
        return Math.min(GenerationItem.MAX_SECONDS, seconds + LATENT_FRAME_SECONDS);
    }

    /** Clears {@code dir} when it was made for another checkpoint file or other settings; records the key. */
    private static void prepare(Path dir, Key key) {
        Path marker = dir.resolve(MARKER);
        try {
            JsonNode want = Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(key)); // as read back: same node types
            if (Files.isDirectory(dir) && !(Files.isRegularFile(marker) && want.equals(Json.readTree(marker)))) {
                try (Stream<Path> s = Files.walk(dir)) {
                    for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
                }
            }
            Files.createDirectories(dir);
            if (!Files.isRegularFile(marker)) Json.write(marker, key);
        } catch (IOException | RuntimeException e) {
            if (e instanceof LofiException le) throw le;
            throw new LofiException(dir, "cannot be prepared: " + e.getMessage(), "check the folder is writable", e);
        }
    }

    private static String lyrics(Path dir, String source) {
        Path f = dir.resolve(source + "_lyrics.txt");
        if (!Files.isRegularFile(f)) return INSTRUMENTAL;
        try {
            String s = Files.readString(f, StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? INSTRUMENTAL : s;
        } catch (IOException e) {
            throw new LofiException(f, "cannot be read: " + e.getMessage(), "check permissions", e);
        }
    }
}
